// Text as the model wrote it, with line breaks drawn as a faint ↵ before the
// break itself, so a run of them is visible rather than blank space.

export function WithNewlineMarks({ text }: { text: string }) {
  const parts = text.split('\n');
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              <span className="newline-mark">↵</span>
              {'\n'}
            </>
          )}
        </span>
      ))}
    </>
  );
}
