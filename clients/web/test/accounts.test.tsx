// @vitest-environment jsdom
// The account screens: the first-run page (setup secret from #setup=, a
// TOTP key shown as a QR code, the code checked by the server), the staff
// sign-in with a pending second factor, the office's home (a meeting
// created in the browser opens in the app) and the accounts page.
import { describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { loginIDOf, manageAccount, setupSecretFrom } from '../src/core/accounts';
import { memoryKV, SessionStore } from '../src/core/session';
import { App } from '../src/ui/App';
import { AccountsAdmin } from '../src/ui/account/AccountsAdmin';
import { Entry } from '../src/ui/account/Entry';
import { Ctx, useApp } from '../src/ui/context';
import type { Lang } from '../src/i18n';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
}, { clearStorage: true });

type Call = { method: string; url: string; body: any };

/** server answers fetch by "METHOD path" and records every call. */
function server(routes: Record<string, (body: any) => [number, unknown]>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    const route = routes[`${method} ${url}`];
    if (!route) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    const [status, out] = route(body);
    return new Response(status === 204 ? null : JSON.stringify(out), { status });
  });
  return calls;
}

const text = () => root.textContent ?? '';
const byID = (id: string) => root.querySelector('#' + id) as HTMLInputElement;
async function type(id: string, v: string) {
  await act(() => {
    const el = byID(id);
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function submit(sel: string) {
  await act(() => {
    (root.querySelector(sel) as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
  await flush();
}
const button = (label: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === label) as HTMLButtonElement;

const huong = { id: 'huong', name: 'Nguyễn Thị Hương', admin: true, disabled: false, password: true, totp: true, sso: false };
const enrol = { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', uri: 'otpauth://totp/Dais:huong?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Dais' };

describe('helpers', () => {
  it.each([
    ['#setup=K7Q2-M4XP-ABCD', 'K7Q2-M4XP-ABCD'],
    ['#x=1&setup=AB%2DCD', 'AB-CD'],
    ['#setupx=1', ''],
    ['', ''],
  ])('setupSecretFrom(%s) = %s', (h, want) => expect(setupSecretFrom(h)).toBe(want));

  it.each([
    ['Nguyễn Thị Hương', 'huong'],
    ['Đặng Văn Đức', 'duc'],
    ['  ', ''],
  ])('loginIDOf(%s) = %s', (n, want) => expect(loginIDOf(n)).toBe(want));

  it('manageAccount posts the action and returns a new password', async () => {
    const calls = server({
      'POST /api/v1/accounts/an.le/reset-password': () => [200, { password: 'abcd-efgh' }],
      'POST /api/v1/accounts/an.le/disable': () => [200, { account: {}, sessions_ended: 2 }],
      'POST /api/v1/accounts/an.le/enable': () => [200, { account: {} }],
    });
    expect(await manageAccount('an.le', 'reset-password')).toEqual({ password: 'abcd-efgh', sessionsEnded: undefined });
    expect(await manageAccount('an.le', 'disable')).toEqual({ password: '', sessionsEnded: 2 });
    expect(await manageAccount('an.le', 'enable')).toEqual({ password: '', sessionsEnded: undefined });
    expect(calls.map((c) => c.method + ' ' + c.url)).toEqual(['POST /api/v1/accounts/an.le/reset-password', 'POST /api/v1/accounts/an.le/disable', 'POST /api/v1/accounts/an.le/enable']);
  });
});

describe('first run', () => {
  it('creates the administrator from the setup link, with a TOTP QR code, and lands on the office home', async () => {
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: true, sso: false }],
      'POST /api/v1/setup/enrolment': () => [200, enrol],
      'POST /api/v1/setup': (b) => (b.totp_code === '123456' ? [201, { account: huong, expires: '' }] : [400, { error: { code: 'invalid', message: 'wrong code', message_vi: 'Mã xác thực không đúng' } }]),
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/accounts': () => [200, { accounts: [huong] }],
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="#setup=TEST-SECRET" search="" />, root));
    await flush();
    expect(text()).toContain('Thiết lập lần đầu');
    expect(byID('fr-secret').value).toBe('TEST-SECRET');
    await type('fr-name', 'Nguyễn Thị Hương');
    expect(byID('fr-id').value).toBe('huong');
    await type('fr-pw', 'mật khẩu dài 2026');
    await type('fr-pw2', 'mật khẩu khác 2026');
    await submit('form');
    expect(text()).toContain('Hai mật khẩu không giống nhau');
    await type('fr-pw2', 'mật khẩu dài 2026');
    await submit('form');
    expect(root.querySelector('svg.qr path')?.getAttribute('d')).toBeTruthy();
    expect(text()).toContain('JBSW Y3DP');
    await type('enrol-code', '000000');
    await submit('form.enrol');
    expect(text()).toContain('Mã xác thực không đúng');
    await type('enrol-code', '123 456');
    await submit('form.enrol');
    const setupCall = calls.filter((c) => c.url === '/api/v1/setup').pop()!;
    expect(setupCall.body).toMatchObject({ setup_secret: 'TEST-SECRET', id: 'huong', name: 'Nguyễn Thị Hương', password: 'mật khẩu dài 2026', totp_secret: enrol.secret, totp_code: '123456' });
    expect(text()).toContain('Xin chào, Nguyễn Thị Hương');
    expect(text()).toContain('Chưa có hội nghị nào');
    expect(text()).toContain('Quản lý tài khoản');
  });

  it('a set-up server shows the sign-in, not the first-run page, even from an old setup link', async () => {
    server({ 'GET /api/v1/account/options': () => [200, { setup: false, sso: true }] });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="#setup=OLD" search="" />, root));
    await flush();
    await flush();
    expect(text()).not.toContain('Thiết lập lần đầu');
    expect(text()).toContain('Máy chủ đã được thiết lập');
    expect(root.querySelector('a[href="/api/v1/account/sso/login"]')).not.toBeNull();
  });
});

describe('staff', () => {
  it('signs in, enrols the second factor, creates a meeting that the app then opens', async () => {
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false }],
      'POST /api/v1/account/login': () => [200, { account: { ...huong, admin: false, totp: false }, expires: '', pending: true }],
      'POST /api/v1/account/enrolment': () => [200, enrol],
      'POST /api/v1/account/totp': () => [200, { account: { ...huong, admin: false }, expires: '' }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [{ meeting: 'm0', title: 'Hội nghị cũ', status: 'draft', participant: 'huong', role: 'secretary' }] }],
      'POST /api/v1/account/meetings': () => [201, { token: 'mtok', meeting: 'm9', participant: 'huong', role: 'secretary' }],
    });
    const sessions = new SessionStore(memoryKV());
    await act(() => render(<App sessions={sessions} params={new URLSearchParams()} initialLang="vi" saveLang={() => {}} />, root));
    await flush();
    expect(root.querySelector('#code')).not.toBeNull(); // tablets' code first
    await act(() => button('Đăng nhập tài khoản cán bộ').click());
    await type('st-id', 'huong');
    await type('st-pw', 'mật khẩu dài 2026');
    await submit('form.staff-signin');
    expect(calls.find((c) => c.url === '/api/v1/account/login')?.body).toEqual({ id: 'huong', password: 'mật khẩu dài 2026', code: '' });
    expect(text()).toContain('Xác thực hai lớp');
    await type('enrol-code', '654321');
    await submit('form.enrol');
    expect(calls.find((c) => c.url === '/api/v1/account/totp')?.body).toEqual({ secret: enrol.secret, code: '654321' });
    expect(text()).toContain('Hội nghị cũ');
    expect(text()).not.toContain('Quản lý tài khoản'); // not an administrator
    await type('om-title', 'Hội nghị Ban Chấp hành');
    await submit('form.office-new-meeting');
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/v1/account/meetings')?.body).toMatchObject({ title: 'Hội nghị Ban Chấp hành' });
    expect(sessions.last()?.token).toBe('mtok');
    expect(sockets).toHaveLength(1); // the meeting opens
  });
});

describe('accounts page', () => {
  it('lists, adds, and resets, showing a new password once', async () => {
    let list = [huong, { id: 'an.le', name: 'Lê Văn An', admin: false, disabled: false, password: true, totp: true, sso: false }];
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: huong, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/accounts': () => [200, { accounts: list }],
      'POST /api/v1/accounts': (b) => {
        list = [...list, { ...b, disabled: false, password: true, totp: false, sso: false }];
        return [201, { account: { id: b.id }, password: 'Abcd-Efgh-Jkmn-Pqrs' }];
      },
      'POST /api/v1/accounts/an.le/reset-password': () => [200, { password: 'Zyxw-Vuts-Rqpn-Mkjh' }],
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    expect(text()).toContain('Lê Văn An');
    expect(text()).toContain('Mật khẩu + mã xác thực');
    await act(() => (root.querySelector('[aria-label="Đặt lại mật khẩu an.le"]') as HTMLButtonElement).click());
    await flush();
    expect(text()).toContain('Mật khẩu mới của an.le (chỉ hiện một lần): Zyxw-Vuts-Rqpn-Mkjh');
    await type('aa-name', 'Trần Văn Bình');
    await type('aa-id', 'binh');
    await submit('form.add-account');
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/v1/accounts')?.body).toMatchObject({ id: 'binh', name: 'Trần Văn Bình', admin: false });
    expect(text()).toContain('Mật khẩu đầu tiên (chỉ hiện một lần): Abcd-Efgh-Jkmn-Pqrs');
    expect(text()).toContain('Mật khẩu (chưa đăng ký mã xác thực)');
    // No "disable" for oneself.
    const huongRow = [...root.querySelectorAll('tbody tr')].find((tr) => tr.textContent?.includes('huong'))!;
    expect(huongRow.textContent).not.toContain('Khóa');
  });
});

describe('disabling an account', () => {
  // The server ends the live meeting sessions the account opened and says
  // how many (sessions_ended); the page says it in a live region.
  const an = { id: 'a.nguyen', name: 'Nguyễn Văn A', admin: false, disabled: false, password: true, totp: true, sso: false };
  function Page({ lang }: { lang: Lang }) {
    return (
      <Ctx.Provider value={{ ...useApp(), lang }}>
        <AccountsAdmin me="huong" />
      </Ctx.Provider>
    );
  }
  async function disable(lang: Lang, answer: () => [number, unknown]) {
    let list = [huong, an];
    const calls = server({
      'GET /api/v1/accounts': () => [200, { accounts: list }],
      'POST /api/v1/accounts/a.nguyen/disable': () => {
        const out = answer();
        if (out[0] === 200) list = [huong, { ...an, disabled: true }];
        return out;
      },
    });
    await act(() => render(<Page lang={lang} />, root));
    await flush();
    const status = root.querySelector('[role="status"]');
    expect(status, 'the live region is in the page before the note').not.toBeNull();
    expect(status!.textContent).toBe('');
    const row = () => [...root.querySelectorAll('tbody tr')].find((tr) => tr.textContent?.includes('a.nguyen'))!;
    await act(() => [...row().querySelectorAll('button')].find((b) => b.textContent === (lang === 'vi' ? 'Khóa' : 'Disable'))!.click());
    await flush();
    await flush();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/accounts/a.nguyen/disable']);
    return { status: root.querySelector('[role="status"]')!.textContent, alert: root.querySelector('[role="alert"]')?.textContent ?? '', row: row().textContent };
  }

  it.each([
    ['vi', 0, 'Đã khóa tài khoản Nguyễn Văn A (a.nguyen); không có phiên họp nào đang mở.'],
    ['vi', 1, 'Đã khóa tài khoản Nguyễn Văn A (a.nguyen); 1 phiên họp đang mở đã kết thúc.'],
    ['vi', 3, 'Đã khóa tài khoản Nguyễn Văn A (a.nguyen); 3 phiên họp đang mở đã kết thúc.'],
    ['en', 0, 'Account Nguyễn Văn A (a.nguyen) disabled; it had no open meeting session.'],
    ['en', 1, 'Account Nguyễn Văn A (a.nguyen) disabled; 1 open meeting session ended.'],
    ['en', 3, 'Account Nguyễn Văn A (a.nguyen) disabled; 3 open meeting sessions ended.'],
  ] as const)('%s, %i sessions ended: %s', async (lang, n, want) => {
    const got = await disable(lang, () => [200, { account: { ...an, disabled: true }, sessions_ended: n }]);
    expect(got.status).toBe(want);
    expect(got.alert).toBe('');
    expect(got.row).toContain(lang === 'vi' ? 'Đã khóa' : 'Disabled');
  });

  it('an error of the server is shown as an error, with no note', async () => {
    const got = await disable('vi', () => [503, { error: { code: 'unavailable', message: 'a meeting is unavailable', message_vi: 'Một hội nghị tạm thời không truy cập được' } }]);
    expect(got.alert).toContain('Một hội nghị tạm thời không truy cập được');
    expect(got.status).toBe('');
  });
});

describe('linking a meeting to accounts', () => {
  it('the secretary links the chair to a login name with the meeting session', async () => {
    const calls = server({ 'POST /api/v1/meetings/m1/participants/chair/account': () => [204, null] });
    const snapshot = {
      version: 3, id: 'm1', title: 'Hội nghị', status: 'draft', rooms: [{ id: 'main', name: 'Hội trường', main: true }],
      participants: {
        sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' },
        chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main' },
        d1: { id: 'd1', name: 'Đại biểu Một', role: 'delegate', room: 'main' },
      },
      order: ['sec', 'chair', 'd1'], agenda: [], documents: {}, proposals: {}, polls: {}, poll_order: [], presentation: {}, floor: {},
    };
    await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 3, snapshot });
    const select = root.querySelector('#link-who') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['sec', 'chair']); // no delegates
    await act(() => {
      select.value = 'chair';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await type('link-account', ' Luu ');
    // The status region is in the page before the note, so a screen reader announces the note.
    const live = root.querySelector('.link-accounts form [role="status"]');
    expect(live).not.toBeNull();
    expect(live!.textContent).toBe('');
    await submit('.link-accounts form');
    const call = calls.find((c) => c.url.endsWith('/account'))!;
    expect(call.body).toEqual({ account: 'luu' });
    await vi.waitFor(() => expect(live!.textContent).toBe('Đã gắn tài khoản luu với Lê Trường Lưu.'));
    expect(root.querySelector('.link-accounts form [role="status"]')).toBe(live);
    expect(live!.querySelector('p.notice')).not.toBeNull();
    expect(text()).toContain('Công bố là chốt bản nháp cho ngày họp');
  });
});

describe('a server without accounts', () => {
  it('keeps the code sign-in for tablets and offers the first run beside it', async () => {
    server({ 'GET /api/v1/account/options': () => [200, { setup: true, sso: false }] });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    expect(root.querySelector('#code')).not.toBeNull();
    expect(text()).not.toContain('Thiết lập lần đầu\n');
    await act(() => button('Máy chủ chưa có quản trị viên — thiết lập lần đầu').click());
    expect(root.querySelector('#fr-secret')).not.toBeNull();
    expect(byID('fr-secret').value).toBe('');
  });
});
