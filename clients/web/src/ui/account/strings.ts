// The words of the account screens (first run, staff sign-in, the office's
// meetings, account management), Vietnamese first and English, kept beside
// the screens that use them.

import type { Lang } from '../../i18n';

const table = {
  staffSignIn: { vi: 'Đăng nhập cán bộ (thư ký, chủ tọa, quản trị)', en: 'Staff sign-in (secretaries, chairs, administrators)' },
  staffSignInShort: { vi: 'Đăng nhập tài khoản cán bộ', en: 'Sign in with a staff account' },
  withCode: { vi: 'Tham dự bằng mã mời', en: 'Join with an invitation code' },
  loginID: { vi: 'Tên đăng nhập', en: 'Login name' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  passwordAgain: { vi: 'Nhập lại mật khẩu', en: 'Password again' },
  passwordsDiffer: { vi: 'Hai mật khẩu không giống nhau.', en: 'The two passwords differ.' },
  passwordHint: { vi: 'Ít nhất 10 ký tự.', en: 'At least 10 characters.' },
  totpCode: { vi: 'Mã xác thực (6 chữ số trên ứng dụng)', en: 'Authentication code (6 digits in the app)' },
  signInBtn: { vi: 'Đăng nhập', en: 'Sign in' },
  signingIn: { vi: 'Đang đăng nhập…', en: 'Signing in…' },
  sso: { vi: 'Đăng nhập một lần (SSO) của cơ quan', en: "The office's single sign-on" },
  ssoFailed: { vi: 'Đăng nhập một lần không thành công. Xin thử lại hoặc liên hệ quản trị viên.', en: 'Single sign-on failed. Try again or ask the administrator.' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },

  firstRunLink: { vi: 'Máy chủ chưa có quản trị viên — thiết lập lần đầu', en: 'No administrator yet — first run' },
  firstRunTitle: { vi: 'Thiết lập lần đầu', en: 'First run' },
  firstRunIntro: {
    vi: 'Máy chủ chưa có tài khoản nào. Tạo tài khoản quản trị viên đầu tiên; sau đó trang này không còn nữa.',
    en: 'This server has no account yet. Create the first administrator; after that this page is gone.',
  },
  setupSecret: { vi: 'Mã thiết lập (in trong nhật ký của daisd khi khởi động)', en: 'Setup secret (daisd prints it in its log at start)' },
  fullName: { vi: 'Họ và tên', en: 'Full name' },
  email: { vi: 'Thư điện tử (không bắt buộc)', en: 'E-mail (optional)' },
  next: { vi: 'Tiếp tục', en: 'Next' },
  enrolTitle: { vi: 'Xác thực hai lớp', en: 'Two-factor authentication' },
  enrolIntro: {
    vi: 'Quét mã QR bằng ứng dụng xác thực (Google Authenticator, Microsoft Authenticator, FreeOTP…), rồi nhập mã 6 chữ số đang hiện.',
    en: 'Scan the QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP…), then type the 6-digit code it shows.',
  },
  enrolKey: { vi: 'Hoặc nhập khóa này vào ứng dụng:', en: 'Or type this key into the app:' },
  enrolQR: { vi: 'Mã QR của khóa xác thực', en: 'QR code of the authentication key' },
  createAdmin: { vi: 'Tạo quản trị viên', en: 'Create the administrator' },
  confirmEnrol: { vi: 'Xác nhận', en: 'Confirm' },
  setupDone: { vi: 'Máy chủ đã được thiết lập. Xin đăng nhập.', en: 'This server is set up. Please sign in.' },

  officeTitle: { vi: 'Hội nghị của đồng chí', en: 'Your meetings' },
  hello: { vi: 'Xin chào, {name}', en: 'Hello, {name}' },
  noMeetings: { vi: 'Chưa có hội nghị nào. Tạo hội nghị đầu tiên bên dưới.', en: 'No meeting yet. Create the first one below.' },
  open: { vi: 'Mở', en: 'Open' },
  joinOnTablet: { vi: 'Dự họp trên máy tính bảng bằng mã mời', en: 'Join on a tablet with your invitation code' },
  openMeeting: { vi: 'Mở hội nghị {title}', en: 'Open the meeting {title}' },
  newMeeting: { vi: 'Tạo hội nghị mới', en: 'Create a new meeting' },
  newMeetingHint: {
    vi: 'Đồng chí sẽ là thư ký của hội nghị mới. Hội nghị ở dạng bản nháp cho đến khi được công bố.',
    en: 'You will be the new meeting’s secretary. It stays a draft until it is published.',
  },
  meetingTitle: { vi: 'Tên hội nghị', en: 'Meeting title' },
  startsAt: { vi: 'Thời gian bắt đầu', en: 'Starts at' },
  place: { vi: 'Địa điểm', en: 'Place' },
  create: { vi: 'Tạo hội nghị', en: 'Create the meeting' },
  titleRequired: { vi: 'Cần tên và thời gian bắt đầu của hội nghị.', en: 'The meeting needs a title and a start time.' },

  accountsTitle: { vi: 'Quản lý tài khoản', en: 'Accounts' },
  addAccount: { vi: 'Thêm tài khoản', en: 'Add an account' },
  adminRole: { vi: 'Quản trị viên', en: 'Administrator' },
  staffRole: { vi: 'Cán bộ', en: 'Staff' },
  ssoOnly: { vi: 'Chỉ đăng nhập một lần (SSO)', en: 'Single sign-on only' },
  add: { vi: 'Thêm', en: 'Add' },
  colID: { vi: 'Tên đăng nhập', en: 'Login' },
  colName: { vi: 'Họ và tên', en: 'Name' },
  colRole: { vi: 'Vai trò', en: 'Role' },
  colSignIn: { vi: 'Cách đăng nhập', en: 'Sign-in' },
  colState: { vi: 'Trạng thái', en: 'State' },
  colActions: { vi: 'Thao tác', en: 'Actions' },
  viaPassword: { vi: 'Mật khẩu + mã xác thực', en: 'Password + code' },
  viaPasswordPending: { vi: 'Mật khẩu (chưa đăng ký mã xác thực)', en: 'Password (no code enrolled yet)' },
  viaSSO: { vi: 'Đăng nhập một lần', en: 'Single sign-on' },
  active: { vi: 'Đang hoạt động', en: 'Active' },
  disabled: { vi: 'Đã khóa', en: 'Disabled' },
  disable: { vi: 'Khóa', en: 'Disable' },
  enable: { vi: 'Mở khóa', en: 'Enable' },
  resetPassword: { vi: 'Đặt lại mật khẩu', en: 'Reset the password' },
  resetTOTP: { vi: 'Đặt lại mã xác thực', en: 'Reset the second factor' },
  newPassword: { vi: 'Mật khẩu mới của {id} (chỉ hiện một lần): {password}', en: 'New password of {id} (shown once): {password}' },
  firstPassword: { vi: 'Đã tạo {id}. Mật khẩu đầu tiên (chỉ hiện một lần): {password}', en: 'Created {id}. First password (shown once): {password}' },
  createdSSO: { vi: 'Đã tạo {id}; đăng nhập bằng SSO với địa chỉ thư điện tử.', en: 'Created {id}; signs in through single sign-on with the e-mail address.' },
  linkTitle: { vi: 'Tài khoản cán bộ', en: 'Staff accounts' },
  linkHint: {
    vi: 'Gắn thư ký hoặc chủ tọa với tài khoản của họ: họ mở hội nghị này từ trang của mình, không cần mã mời.',
    en: 'Link a secretary or the chair to their account: they open this meeting from their home, without an invitation code.',
  },
  linkWho: { vi: 'Người tham dự', en: 'Participant' },
  link: { vi: 'Gắn tài khoản', en: 'Link the account' },
  linked: { vi: 'Đã gắn tài khoản {account} với {name}.', en: 'Linked the account {account} to {name}.' },
  doneAction: { vi: 'Đã thực hiện với {id}.', en: 'Done for {id}.' },
  // Disabling an account ends the live meeting sessions it opened (the
  // chair's console, secretaries' workspaces): the server says how many.
  disabledNone: {
    vi: 'Đã khóa tài khoản {name} ({id}); không có phiên họp nào đang mở.',
    en: 'Account {name} ({id}) disabled; it had no open meeting session.',
  },
  disabledOne: {
    vi: 'Đã khóa tài khoản {name} ({id}); 1 phiên họp đang mở đã kết thúc.',
    en: 'Account {name} ({id}) disabled; 1 open meeting session ended.',
  },
  disabledMany: {
    vi: 'Đã khóa tài khoản {name} ({id}); {n} phiên họp đang mở đã kết thúc.',
    en: 'Account {name} ({id}) disabled; {n} open meeting sessions ended.',
  },
  disabledDone: { vi: 'Đã khóa tài khoản {name} ({id}).', en: 'Account {name} ({id}) disabled.' },
} as const;

export type AKey = keyof typeof table;

/**
 * disabledNote says that the account was disabled and how many of its open
 * meeting sessions ended with it (n undefined: the server did not say).
 */
export function disabledNote(lang: Lang, a: { id: string; name: string }, n: number | undefined): string {
  const p = { id: a.id, name: a.name || a.id, n: n ?? 0 };
  if (n === undefined) return at(lang, 'disabledDone', p);
  return at(lang, n === 0 ? 'disabledNone' : n === 1 ? 'disabledOne' : 'disabledMany', p);
}

/** at returns the words of key in lang, with {name} parameters filled in. */
export function at(lang: Lang, key: AKey, params?: Record<string, string | number>): string {
  let s: string = table[key][lang];
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}
