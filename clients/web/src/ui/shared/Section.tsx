// Section is a titled panel of a screen.

import type { ComponentChildren } from 'preact';

export function Section({ title, children, class: cls }: { title: string; children: ComponentChildren; class?: string }) {
  const id = 'h-' + title.replace(/\W+/g, '-');
  return (
    <section class={'panel ' + (cls ?? '')} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
