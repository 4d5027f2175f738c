// @vitest-environment jsdom
// lazy(): a screen loaded when first shown (issue 17: the delegate's bundle carries no other role's screens).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { lazy, lazyIdle, useLazyReady, type LazyComponent } from '../src/ui/lazy';

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

const settle = async () => {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
    await lazyIdle();
    await new Promise((r) => setTimeout(r, 0));
  });
};

describe('lazy', () => {
  it('shows a loading line, then the loaded screen with its props; later renders are at once', async () => {
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const Hello = lazy(async () => {
      loads++;
      await gate;
      return ({ who }: { who: string }) => <p class="hello">Xin chào {who}</p>;
    });
    await act(() => render(<Hello who="Hương" />, root));
    expect(root.textContent).toContain('Đang tải dữ liệu hội nghị…');
    release();
    await settle();
    expect(root.querySelector('.hello')?.textContent).toBe('Xin chào Hương');
    render(null, root);
    await act(() => render(<Hello who="Sơn" />, root));
    expect(root.querySelector('.hello')?.textContent).toBe('Xin chào Sơn');
    expect(loads).toBe(1);
  });

  it('preload loads once, before the screen is shown', async () => {
    let loads = 0;
    const Screen = lazy(async () => {
      loads++;
      return () => <p class="s">ok</p>;
    });
    await Promise.all([Screen.preload(), Screen.preload()]);
    await act(() => render(<Screen />, root));
    expect(root.querySelector('.s')).not.toBeNull();
    expect(loads).toBe(1);
  });

  it('says so with a reload button when the screen cannot be loaded, and tries again on the next mount', async () => {
    let fail = true;
    const Screen = lazy(async () => {
      if (fail) throw new TypeError('Failed to fetch dynamically imported module');
      return () => <p class="s">ok</p>;
    });
    await act(() => render(<Screen />, root));
    await settle();
    expect(root.querySelector('[role=alert]')?.textContent).toContain('Không thể kết nối tới máy chủ');
    expect([...root.querySelectorAll('button')].some((b) => b.textContent === 'Tải lại')).toBe(true);
    fail = false;
    render(null, root);
    await act(() => render(<Screen />, root));
    await settle();
    expect(root.querySelector('.s')).not.toBeNull();
  });

  it('useLazyReady holds a screen back until its chunk is loaded (true at once for none, and after a failure)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const Screen = lazy(async () => {
      await gate;
      return () => <p class="s">ok</p>;
    });
    const Failing = lazy(async () => {
      throw new TypeError('offline');
    });
    function Host({ c }: { c: LazyComponent<object> | null }) {
      const ready = useLazyReady(c);
      return <p class="ready">{String(ready)}</p>;
    }
    await act(() => render(<Host c={null} />, root));
    expect(root.querySelector('.ready')?.textContent).toBe('true');
    await act(() => render(<Host c={Screen} />, root));
    expect(root.querySelector('.ready')?.textContent).toBe('false');
    release();
    await settle();
    expect(root.querySelector('.ready')?.textContent).toBe('true');
    await act(() => render(<Host c={Failing} />, root));
    await settle();
    expect(root.querySelector('.ready')?.textContent).toBe('true');
  });
});
