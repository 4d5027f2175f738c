// useAfterFirstPage: a part of a screen the first page need not wait for
// (core/firstpage.ts) is built after it is drawn.

import { useEffect, useState } from 'preact/hooks';
import { afterFirstPage, firstPageDone } from '../../core/firstpage';

/** FIRST_PAGE_WAIT_MS bounds how long a part waits for the first page (a slow network, a stuck document, a screen without one). */
export const FIRST_PAGE_WAIT_MS = 3000;

/** useAfterFirstPage is false until the first page is drawn (or none will be, or FIRST_PAGE_WAIT_MS passed). */
export function useAfterFirstPage(): boolean {
  const [done, setDone] = useState(firstPageDone);
  useEffect(() => {
    if (done) return;
    let live = true;
    const go = () => live && setDone(true);
    void afterFirstPage().then(go);
    const h = setTimeout(go, FIRST_PAGE_WAIT_MS);
    return () => {
      live = false;
      clearTimeout(h);
    };
  }, []);
  return done;
}
