// The one place the URL state meets the page: read the hash on load and when
// the user edits or pastes a link, write it back (without adding history
// entries) whenever a setting changes.

import { useCallback, useEffect, useState } from 'react';
import { type PlaygroundState, type SettingKey, decodeHash, encodeHash, sameState, setSetting } from './schema.ts';

export interface HashState {
  state: PlaygroundState;
  /** What the last link read had wrong (codes the page translates); empty when it was clean. */
  problems: ReturnType<typeof decodeHash>['problems'];
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  dismissProblems: () => void;
}

export function useHashState(): HashState {
  const [decoded, setDecoded] = useState(() => decodeHash(window.location.hash));
  const { state } = decoded;

  useEffect(() => {
    const onHashChange = () => {
      const next = decodeHash(window.location.hash);
      setDecoded((prev) => (sameState(prev.state, next.state) && next.problems.length === 0 ? prev : next));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => {
    const hash = '#' + encodeHash(state);
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }, [state]);

  const set = useCallback(<K extends SettingKey>(key: K, value: PlaygroundState[K]) => {
    setDecoded((prev) => {
      const next = setSetting(prev.state, key, value);
      return next === prev.state ? prev : { state: next, problems: prev.problems };
    });
  }, []);
  const dismissProblems = useCallback(() => setDecoded((prev) => ({ state: prev.state, problems: [] })), []);

  return { state, problems: decoded.problems, set, dismissProblems };
}
