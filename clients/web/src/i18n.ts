// The interface's words, Vietnamese first (the default) and English. Every
// string a screen shows is here; {name} marks a parameter. Terms follow the
// ui_words of the demo meeting.

export type Lang = 'vi' | 'en';

const table = {
  appName: { vi: 'Dais — Phòng họp không giấy', en: 'Dais — Paperless meeting room' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  switchLang: { vi: 'English', en: 'Tiếng Việt' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },

  // Sign-in.
  signInTitle: { vi: 'Tham dự hội nghị', en: 'Join the meeting' },
  codeLabel: { vi: 'Mã mời (in trên giấy mời hoặc mã QR)', en: 'Invitation code (on the invitation or its QR code)' },
  codePlaceholder: { vi: 'VD: K7Q2-M4XP', en: 'e.g. K7Q2-M4XP' },
  signIn: { vi: 'Vào hội nghị', en: 'Join' },
  signingIn: { vi: 'Đang vào…', en: 'Joining…' },
  codeRequired: { vi: 'Vui lòng nhập mã mời.', en: 'Please enter the invitation code.' },
  sessionExpired: { vi: 'Phiên làm việc đã hết hạn. Vui lòng nhập lại mã mời.', en: 'Your session has expired. Please enter your invitation code again.' },

  // Connection.
  connecting: { vi: 'Đang kết nối…', en: 'Connecting…' },
  reconnecting: { vi: 'Mất kết nối — đang kết nối lại…', en: 'Connection lost — reconnecting…' },
  retryNow: { vi: 'Thử lại ngay', en: 'Retry now' },
  connFailed: { vi: 'Không thể kết nối tới máy chủ. Vui lòng tải lại trang.', en: 'Cannot talk to the server. Please reload the page.' },
  reload: { vi: 'Tải lại', en: 'Reload' },
  loading: { vi: 'Đang tải dữ liệu hội nghị…', en: 'Loading the meeting…' },

  // Roles and statuses.
  role_chair: { vi: 'Chủ tọa', en: 'Chair' },
  role_secretary: { vi: 'Thư ký', en: 'Secretary' },
  role_delegate: { vi: 'Đại biểu', en: 'Delegate' },
  role_observer: { vi: 'Quan sát viên', en: 'Observer' },
  status_draft: { vi: 'Bản nháp', en: 'Draft' },
  status_published: { vi: 'Đã công bố', en: 'Published' },
  status_in_session: { vi: 'Đang họp', en: 'In session' },
  status_adjourned: { vi: 'Tạm nghỉ', en: 'Adjourned' },
  status_closed: { vi: 'Đã bế mạc', en: 'Closed' },

  // Agenda and documents.
  agenda: { vi: 'Chương trình hội nghị', en: 'Agenda' },
  documents: { vi: 'Tài liệu', en: 'Documents' },
  currentItem: { vi: 'Nội dung đang thảo luận', en: 'Now discussing' },
  noCurrentItem: { vi: 'Chưa bắt đầu nội dung nào', en: 'No item under discussion yet' },
  presenter: { vi: 'Người trình bày', en: 'Presenter' },
  noDocuments: { vi: 'Chưa có tài liệu', en: 'No documents yet' },
  confidential: { vi: 'Mật', en: 'Confidential' },
  pages: { vi: '{n} trang', en: '{n} pages' },
  pageOf: { vi: 'Trang {page} / {pages}', en: 'Page {page} of {pages}' },
  prevPage: { vi: 'Trang trước', en: 'Previous page' },
  nextPage: { vi: 'Trang sau', en: 'Next page' },
  goToPage: { vi: 'Đến trang', en: 'Go to page' },
  follow: { vi: 'Theo dõi người trình bày', en: 'Follow the presenter' },
  browse: { vi: 'Xem tự do', en: 'Browse freely' },
  following: { vi: 'Đang theo dõi người trình bày', en: 'Following the presenter' },
  browsing: { vi: 'Đang xem tự do', en: 'Browsing freely' },
  nothingShown: { vi: 'Chưa trình chiếu tài liệu nào', en: 'No document is being shown' },
  pdfLoading: { vi: 'Đang tải tài liệu…', en: 'Loading the document…' },
  pdfError: { vi: 'Không mở được tài liệu: {msg}', en: 'Cannot open the document: {msg}' },
  pdfForbidden: { vi: 'Tài liệu mật: đồng chí không có trong danh sách được xem tài liệu này.', en: 'Confidential: you are not among the readers of this document.' },
  pdfMissing: { vi: 'Không tìm thấy tài liệu trên máy chủ.', en: 'The document was not found on the server.' },
  pdfSession: { vi: 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.', en: 'Your session has expired. Please sign in again.' },
  youPresent: { vi: 'Đồng chí đang trình bày: các trang đồng chí lật sẽ hiện cho cả hội nghị.', en: 'You are presenting: the pages you turn are shown to everyone.' },

  // Votes.
  vote: { vi: 'Biểu quyết', en: 'Vote' },
  secretVote: { vi: 'Biểu quyết kín', en: 'Secret vote' },
  namedVote: { vi: 'Biểu quyết công khai', en: 'Open vote' },
  confirmChoice: { vi: 'Xác nhận: {choice}?', en: 'Confirm: {choice}?' },
  confirm: { vi: 'Xác nhận', en: 'Confirm' },
  change: { vi: 'Chọn lại', en: 'Change' },
  sending: { vi: 'Đang gửi phiếu…', en: 'Sending your vote…' },
  voteRecorded: { vi: 'Phiếu của đồng chí đã được ghi nhận', en: 'Your vote has been recorded' },
  yourChoice: { vi: 'Đồng chí đã chọn: {choice}', en: 'You chose: {choice}' },
  voteUnknown: { vi: 'Chưa rõ phiếu đã được ghi nhận chưa. Vui lòng bấm lại.', en: 'It is not known whether your vote was recorded. Please press again.' },
  votedCount: { vi: 'Đã biểu quyết: {cast} / {present} có mặt ({members} đại biểu)', en: 'Voted: {cast} / {present} present ({members} members)' },
  result: { vi: 'Kết quả biểu quyết', en: 'Vote result' },
  passed: { vi: 'ĐƯỢC THÔNG QUA', en: 'ADOPTED' },
  notPassed: { vi: 'KHÔNG ĐƯỢC THÔNG QUA', en: 'NOT ADOPTED' },
  noQuorum: { vi: 'Không đủ số lượng (túc số)', en: 'No quorum' },
  castOf: { vi: '{cast} phiếu / {members} đại biểu ({present} có mặt)', en: '{cast} ballots / {members} members ({present} present)' },
  close: { vi: 'Đóng', en: 'Close' },
  noVoteRight: { vi: 'Đồng chí không có quyền biểu quyết.', en: 'You have no vote.' },

  // Floor.
  floor: { vi: 'Phát biểu', en: 'Speaking' },
  requestFloor: { vi: 'Đăng ký phát biểu', en: 'Request to speak' },
  withdrawFloor: { vi: 'Rút đăng ký phát biểu', en: 'Withdraw my request' },
  queuePlace: { vi: 'Đồng chí đang ở vị trí thứ {n} trong danh sách chờ', en: 'You are number {n} in the queue' },
  youSpeak: { vi: 'Đồng chí đang phát biểu', en: 'You have the floor' },
  speaker: { vi: 'Đang phát biểu', en: 'Speaking now' },
  nobodySpeaks: { vi: 'Chưa có ai phát biểu', en: 'Nobody has the floor' },
  queue: { vi: 'Danh sách đăng ký phát biểu', en: 'Speaker queue' },
  queueEmpty: { vi: 'Chưa có đăng ký', en: 'Nobody is waiting' },
  giveFloor: { vi: 'Mời phát biểu', en: 'Give the floor' },
  giveNext: { vi: 'Mời người tiếp theo', en: 'Next speaker' },
  endFloor: { vi: 'Kết thúc phát biểu', en: 'End the turn' },

  // Attendance.
  checkIn: { vi: 'Điểm danh', en: 'Check in' },
  checkOut: { vi: 'Rời hội nghị', en: 'Check out' },
  checkedIn: { vi: 'Đã điểm danh', en: 'Checked in' },
  notCheckedIn: { vi: 'Đồng chí chưa điểm danh', en: 'You have not checked in' },
  attendance: { vi: 'Điểm danh theo điểm cầu', en: 'Attendance per room' },
  room: { vi: 'Điểm cầu', en: 'Room' },
  present: { vi: 'Có mặt', en: 'Present' },
  members: { vi: 'Tổng số', en: 'Members' },
  total: { vi: 'Tổng cộng', en: 'Total' },
  quorum: { vi: 'Đủ số lượng (túc số)', en: 'Quorum' },
  quorumOk: { vi: 'Đủ túc số ({present}/{members}, cần {needed})', en: 'Quorum reached ({present}/{members}, {needed} needed)' },
  quorumMissing: { vi: 'Chưa đủ túc số ({present}/{members}, cần {needed})', en: 'No quorum yet ({present}/{members}, {needed} needed)' },

  // Chair.
  chairConsole: { vi: 'Bàn điều hành của Chủ tọa', en: 'Chair console' },
  openSession: { vi: 'Khai mạc / tiếp tục phiên họp', en: 'Open / resume the session' },
  adjourn: { vi: 'Tạm nghỉ', en: 'Adjourn' },
  closeMeeting: { vi: 'Bế mạc hội nghị', en: 'Close the meeting' },
  confirmCloseMeeting: { vi: 'Bế mạc hội nghị? Không thể hoàn tác.', en: 'Close the meeting? This cannot be undone.' },
  setCurrent: { vi: 'Chuyển sang', en: 'Go to' },
  isCurrent: { vi: 'Đang thảo luận', en: 'Current' },
  presentation: { vi: 'Trình chiếu', en: 'Presentation' },
  show: { vi: 'Trình chiếu', en: 'Show' },
  showDoc: { vi: 'Trình chiếu tài liệu', en: 'Show a document' },
  handTo: { vi: 'Giao quyền trình bày cho', en: 'Hand the presentation to' },
  takeBack: { vi: 'Chủ tọa (thu hồi)', en: 'The chair (take back)' },
  polls: { vi: 'Biểu quyết', en: 'Votes' },
  newPoll: { vi: 'Tạo biểu quyết mới', en: 'New vote' },
  question: { vi: 'Nội dung biểu quyết', en: 'Question' },
  proposal: { vi: 'Tờ trình / dự thảo', en: 'Proposal' },
  none: { vi: '(không)', en: '(none)' },
  secret: { vi: 'Biểu quyết kín', en: 'Secret' },
  base: { vi: 'Tính trên', en: 'Counted against' },
  base_cast: { vi: 'số phiếu biểu quyết', en: 'ballots cast' },
  base_present: { vi: 'số đại biểu có mặt', en: 'members present' },
  base_members: { vi: 'tổng số đại biểu', en: 'all members' },
  threshold: { vi: 'Tỷ lệ cần đạt', en: 'Majority' },
  threshold_simple: { vi: 'tán thành nhiều hơn không tán thành', en: 'more for than against' },
  threshold_absolute: { vi: 'quá nửa', en: 'more than half' },
  threshold_two_thirds: { vi: 'hai phần ba', en: 'two thirds' },
  quorumPercent: { vi: 'Túc số (%)', en: 'Quorum (%)' },
  choices: { vi: 'Phương án (mỗi dòng một phương án; để trống: Tán thành / Không tán thành / Không biểu quyết)', en: 'Choices (one per line; empty: for / against / abstain)' },
  create: { vi: 'Tạo', en: 'Create' },
  openPollBtn: { vi: 'Mở biểu quyết', en: 'Open the vote' },
  closePollBtn: { vi: 'Kết thúc biểu quyết', en: 'Close the vote' },
  poll_ready: { vi: 'Chuẩn bị', en: 'Ready' },
  poll_open: { vi: 'Đang biểu quyết', en: 'Open' },
  poll_closed: { vi: 'Đã kết thúc', en: 'Closed' },
  noPolls: { vi: 'Chưa có biểu quyết', en: 'No votes yet' },
  checkInFor: { vi: 'Điểm danh hộ', en: 'Check in' },

  // Secretary.
  secretaryWorkspace: { vi: 'Không gian làm việc của Thư ký', en: 'Secretary workspace' },
  participants: { vi: 'Thành phần tham dự', en: 'Participants' },
  addParticipant: { vi: 'Thêm đại biểu', en: 'Add a participant' },
  name: { vi: 'Họ và tên', en: 'Name' },
  titleField: { vi: 'Chức vụ', en: 'Title' },
  roleField: { vi: 'Vai trò', en: 'Role' },
  seat: { vi: 'Ghế', en: 'Seat' },
  add: { vi: 'Thêm', en: 'Add' },
  addItem: { vi: 'Thêm nội dung', en: 'Add an item' },
  itemTitle: { vi: 'Tên nội dung', en: 'Item title' },
  parentItem: { vi: 'Thuộc nội dung', en: 'Under item' },
  topLevel: { vi: '(nội dung chính)', en: '(top level)' },
  moveUp: { vi: 'Lên', en: 'Up' },
  moveDown: { vi: 'Xuống', en: 'Down' },
  attach: { vi: 'Gắn tài liệu', en: 'Attach' },
  attachTo: { vi: 'Gắn vào nội dung', en: 'Attach to item' },
  upload: { vi: 'Tải tài liệu lên (PDF)', en: 'Upload a document (PDF)' },
  docTitle: { vi: 'Tên tài liệu', en: 'Document title' },
  file: { vi: 'Tệp PDF', en: 'PDF file' },
  uploading: { vi: 'Đang tải lên… {pct}%', en: 'Uploading… {pct}%' },
  uploaded: { vi: 'Đã tải lên: {title}', en: 'Uploaded: {title}' },
  readers: { vi: 'Người được đọc', en: 'Readers' },
  prepareCopies: { vi: 'Chuẩn bị bản đóng dấu', en: 'Prepare watermarked copies' },
  preparing: { vi: 'Đang chuẩn bị… {done} / {total}', en: 'Preparing… {done} / {total}' },
  prepared: { vi: 'Đã chuẩn bị {done} / {total} bản', en: 'Prepared {done} / {total} copies' },
  prepareFailed: { vi: '{failed} bản lỗi', en: '{failed} failed' },
  exports: { vi: 'Tải về', en: 'Downloads' },
  minutesVi: { vi: 'Biên bản (tiếng Việt, PDF)', en: 'Minutes (Vietnamese, PDF)' },
  minutesEn: { vi: 'Biên bản (tiếng Anh, PDF)', en: 'Minutes (English, PDF)' },
  packetPdf: { vi: 'Bộ tài liệu (PDF)', en: 'Document packet (PDF)' },
  ballotsCsv: { vi: 'Phiếu biểu quyết (CSV)', en: 'Ballots (CSV)' },
  publish: { vi: 'Công bố hội nghị', en: 'Publish the meeting' },
  proposals: { vi: 'Tờ trình', en: 'Proposals' },
  addProposal: { vi: 'Thêm tờ trình', en: 'Add a proposal' },
  proposal_draft: { vi: 'Dự thảo', en: 'Draft' },
  proposal_voting: { vi: 'Đang biểu quyết', en: 'Voting' },
  proposal_adopted: { vi: 'Đã thông qua', en: 'Adopted' },
  proposal_rejected: { vi: 'Không thông qua', en: 'Rejected' },
  proposalText: { vi: 'Nội dung', en: 'Text' },
  done: { vi: 'Đã thực hiện', en: 'Done' },

  // Display.
  roomDisplay: { vi: 'Màn hình hội trường', en: 'Room display' },
  elapsed: { vi: 'Thời gian', en: 'Time' },
} as const;

/** Key names a string of the table. */
export type Key = keyof typeof table;

/** translate returns the string key in lang with {params} filled in. */
export function translate(lang: Lang, key: Key, params: Record<string, string | number> = {}): string {
  const s: string = table[key][lang] ?? table[key].vi;
  return s.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m));
}

/** T is a translate function bound to a language. */
export type T = (key: Key, params?: Record<string, string | number>) => string;

/** keys lists every key (tests check both languages are complete). */
export function keys(): Key[] {
  return Object.keys(table) as Key[];
}

/** errorText picks the message of an error in the language shown. */
export function errorText(lang: Lang, err: unknown): string {
  const e = err as { message?: string; messageVi?: string };
  if (lang === 'vi' && e?.messageVi) return e.messageVi;
  return e?.message ?? String(err);
}
