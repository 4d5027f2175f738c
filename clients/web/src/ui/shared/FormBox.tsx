// FormBox is the workspace's "add …" form: a closed box with a title that
// opens to a form; after a successful submit the fields go back to their
// first values and the box closes, so the next one starts empty (nothing
// chosen is carried over to the next item, poll or person). useFields holds
// the fields' values and binds them to inputs.

import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

type Values = Record<string, string | boolean>;

export interface Fields<T extends Values> {
  values: T;
  set<K extends keyof T>(k: K, v: T[K]): void;
  /** text binds an <input> or <textarea>; pick binds a <select>; check binds a checkbox. */
  text(k: keyof T): { value: string; onInput: (e: Event) => void };
  pick(k: keyof T): { value: string; onChange: (e: Event) => void };
  check(k: keyof T): { checked: boolean; onChange: (e: Event) => void };
  reset(): void;
}

export function useFields<T extends Values>(initial: T): Fields<T> {
  const [values, setValues] = useState<T>(initial);
  const first = useRef(initial);
  const set = <K extends keyof T>(k: K, v: T[K]) => setValues((cur) => ({ ...cur, [k]: v }));
  const val = (e: Event) => (e.target as HTMLInputElement).value;
  return {
    values,
    set,
    text: (k) => ({ value: String(values[k]), onInput: (e) => set(k, val(e) as T[typeof k]) }),
    pick: (k) => ({ value: String(values[k]), onChange: (e) => set(k, val(e) as T[typeof k]) }),
    check: (k) => ({ checked: !!values[k], onChange: (e) => set(k, (e.target as HTMLInputElement).checked as T[typeof k]) }),
    reset: () => setValues(first.current),
  };
}

export interface FormBoxProps {
  summary: string;
  submitLabel: string;
  busy?: boolean;
  /** onSubmit sends the form; true when it succeeded (then the box resets and closes). */
  onSubmit(): Promise<boolean>;
  /** reset puts the fields back (useFields' reset). */
  reset(): void;
  class?: string;
  children: ComponentChildren;
}

export function FormBox({ summary, submitLabel, busy, onSubmit, reset, class: cls, children }: FormBoxProps) {
  const box = useRef<HTMLDetailsElement>(null);
  return (
    <details ref={box} class={cls}>
      <summary>{summary}</summary>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget as HTMLFormElement;
          if (await onSubmit()) {
            reset();
            form.reset();
            if (box.current) box.current.open = false;
          }
        }}
      >
        {children}
        <button type="submit" class="btn primary" disabled={busy}>
          {submitLabel}
        </button>
      </form>
    </details>
  );
}
