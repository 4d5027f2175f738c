// The interface's words, Vietnamese first (the default) and English. Every
// string a screen shows is here or, for the staff's screens only (chair,
// secretary, elections, committee, display, office), in i18n-staff.ts,
// which goes with their chunks and not in the tablet's bundle; {name}
// marks a parameter. Terms follow the ui_words of the demo meeting.

import type { StaffKey } from './i18n-staff';

export type Lang = 'vi' | 'en';

const table = {
  appName: { vi: 'Dais — Phòng họp không giấy', en: 'Dais — Paperless meeting room' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  switchLang: { vi: 'English', en: 'Tiếng Việt' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },

  // Sign-in.
  signInTitle: { vi: 'Tham dự hội nghị', en: 'Join the meeting' },
  codeLabel: { vi: 'Mã mời (in trên giấy mời hoặc mã QR)', en: 'Invitation code (on the invitation or its QR code)' },
  codePlaceholder: { vi: 'VD: K7Q2-M4XP-A9RTW', en: 'e.g. K7Q2-M4XP-A9RTW' },
  signIn: { vi: 'Vào hội nghị', en: 'Join' },
  signingIn: { vi: 'Đang vào…', en: 'Joining…' },
  codeRequired: { vi: 'Vui lòng nhập mã mời.', en: 'Please enter the invitation code.' },
  sessionRevoked: {
    vi: 'Phiên đăng nhập trên máy này đã bị thư ký thu hồi; tài liệu lưu trên máy đã được xóa. Vui lòng nhận mã mời mới.',
    en: 'The secretary revoked this device’s session; the documents kept on it were deleted. Please ask for a new invitation code.',
  },
  sessionExpired: { vi: 'Phiên làm việc đã hết hạn. Vui lòng nhập lại mã mời.', en: 'Your session has expired. Please enter your invitation code again.' },

  // Connection.
  connecting: { vi: 'Đang kết nối…', en: 'Connecting…' },
  reconnecting: { vi: 'Mất kết nối — đang kết nối lại…', en: 'Connection lost — reconnecting…' },
  retryNow: { vi: 'Thử lại ngay', en: 'Retry now' },
  connFailed: { vi: 'Không thể kết nối tới máy chủ. Vui lòng tải lại trang.', en: 'Cannot talk to the server. Please reload the page.' },
  reload: { vi: 'Tải lại', en: 'Reload' },
  loading: { vi: 'Đang tải dữ liệu hội nghị…', en: 'Loading the meeting…' },
  voteRefused: { vi: 'Phiếu của đồng chí không được ghi nhận:', en: 'Your vote was not recorded:' },
  queuedAtSite: {
    vi: 'Đã ghi nhận tại điểm cầu; sẽ gửi về hội trường chính khi có kết nối lại',
    en: 'Noted at this bridge site; it goes to the main hall once the link is back',
  },
  savedAt: { vi: 'Đang xem bản lưu trên máy lúc {time}', en: 'Showing the copy saved on this device at {time}' },

  // Roles and statuses.
  role_chair: { vi: 'Chủ tọa', en: 'Chair' },
  role_secretary: { vi: 'Thư ký', en: 'Secretary' },
  role_delegate: { vi: 'Đại biểu', en: 'Delegate' },
  role_observer: { vi: 'Quan sát viên', en: 'Observer' },
  role_display: { vi: 'Màn hình hội trường', en: 'Room display' },
  status_draft: { vi: 'Bản nháp', en: 'Draft' },
  status_published: { vi: 'Đã công bố', en: 'Published' },
  status_in_session: { vi: 'Đang họp', en: 'In session' },
  status_adjourned: { vi: 'Tạm nghỉ', en: 'Adjourned' },
  status_closed: { vi: 'Đã bế mạc', en: 'Closed' },
  archivedReadOnly: { vi: 'Bản lưu trữ — chỉ xem', en: 'Archive — read only' },

  // Agenda and documents.
  agenda: { vi: 'Chương trình hội nghị', en: 'Agenda' },
  documents: { vi: 'Tài liệu', en: 'Documents' },
  currentItem: { vi: 'Nội dung đang thảo luận', en: 'Now discussing' },
  noCurrentItem: { vi: 'Chưa bắt đầu nội dung nào', en: 'No item under discussion yet' },
  presenter: { vi: 'Người trình bày', en: 'Presenter' },
  removedNotice: { vi: 'Đã gỡ khỏi tệp tải lên: {what}', en: 'Removed from the uploaded file: {what}' },
  removed_javascript: { vi: 'mã JavaScript', en: 'JavaScript' },
  removed_embedded_files: { vi: 'tệp đính kèm', en: 'embedded files' },
  removed_xfa: { vi: 'biểu mẫu XFA', en: 'XFA form' },
  confidential: { vi: 'Mật', en: 'Confidential' },
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
  pdfOffline: { vi: 'Không có mạng và tài liệu này chưa được lưu để đọc ngoại tuyến.', en: 'You are offline and this document was not saved for offline reading.' },

  // Annotations and offline copies.
  annToggle: { vi: 'Ghi chú riêng', en: 'Annotate' },
  annTools: { vi: 'Công cụ ghi chú', en: 'Annotation tools' },
  annPen: { vi: 'Bút', en: 'Pen' },
  annHighlighter: { vi: 'Tô sáng', en: 'Highlighter' },
  annNote: { vi: 'Ghi chú', en: 'Note' },
  annEraser: { vi: 'Tẩy', en: 'Eraser' },
  annColor: { vi: 'Màu', en: 'Colour' },
  color_red: { vi: 'Đỏ', en: 'Red' },
  color_blue: { vi: 'Xanh dương', en: 'Blue' },
  color_green: { vi: 'Xanh lá', en: 'Green' },
  color_black: { vi: 'Đen', en: 'Black' },
  color_yellow: { vi: 'Vàng', en: 'Yellow' },
  annShare: { vi: 'Chia sẻ với hội trường', en: 'Share with the room' },
  annPrivateHint: { vi: 'Ghi chú riêng: chỉ đồng chí nhìn thấy', en: 'Private notes: only you see them' },
  annSharedHint: { vi: 'Ghi chú được chia sẻ với cả hội trường', en: 'Your marks are shown to the whole room' },
  annNoteText: { vi: 'Nội dung ghi chú', en: 'Note text' },
  annNoteAria: { vi: 'Ghi chú: {text}', en: 'Note: {text}' },
  annSave: { vi: 'Lưu ghi chú', en: 'Save the note' },
  annCancel: { vi: 'Hủy', en: 'Cancel' },
  annEdit: { vi: 'Sửa', en: 'Edit' },
  annDelete: { vi: 'Xóa', en: 'Delete' },
  annCopy: { vi: 'Bản có ghi chú của tôi', en: 'My annotated copy' },

  // Drafts for comment (issue 13, part 5).
  draftTitle: { vi: 'Góp ý dự thảo', en: 'Comments on the draft' },
  draftUntil: { vi: 'Nhận góp ý đến {time}', en: 'Comments until {time}' },
  draftClosed: { vi: 'Đã hết hạn góp ý', en: 'Closed for comments' },
  draftTeamOnly: { vi: 'Ý kiến chỉ gửi ban soạn thảo', en: 'Comments go to the drafting team only' },
  draftVisibleAll: { vi: 'Ý kiến công khai với mọi người đọc', en: 'Comments are visible to every reader' },
  draftVersion: { vi: 'Bản {n}', en: 'Version {n}' },
  draftCurrent: { vi: '(hiện hành)', en: '(current)' },
  draftOldVersion: { vi: 'Đây là phiên bản cũ; góp ý trên phiên bản hiện hành.', en: 'This is an older version; comment on the current one.' },
  draftCommentOn: { vi: 'Góp ý vào', en: 'Comment on' },
  draftOnPage: { vi: 'Trang {page}', en: 'Page {page}' },
  draftOnRegion: { vi: 'Vùng đánh dấu', en: 'A marked region' },
  draftOnText: { vi: 'Đoạn văn bản đã chọn', en: 'The selected text' },
  draftMarkRegion: { vi: 'Kéo trên trang để đánh dấu vùng', en: 'Drag on the page to mark the region' },
  draftSelectHint: { vi: 'Hoặc bôi đen một đoạn văn bản trên trang rồi bấm “Góp ý đoạn chọn”.', en: 'Or select text on the page, then press “Comment on selection”.' },
  draftCommentSelection: { vi: 'Góp ý đoạn chọn', en: 'Comment on selection' },
  draftUnpick: { vi: 'Bỏ đoạn chọn', en: 'Drop the selection' },
  draftEdit: { vi: 'Sửa ý kiến', en: 'Edit' },
  draftEditSave: { vi: 'Lưu ý kiến', en: 'Save the comment' },
  draftEditCancel: { vi: 'Hủy sửa', en: 'Cancel' },
  draftEdited: { vi: 'đã sửa', en: 'edited' },
  draftEditDone: { vi: 'Đã sửa ý kiến.', en: 'Comment changed.' },
  draftNoRegion: { vi: 'Hãy đánh dấu một vùng trên trang.', en: 'Mark a region on the page first.' },
  draftText: { vi: 'Nội dung góp ý', en: 'Your comment' },
  draftSend: { vi: 'Gửi góp ý', en: 'Send the comment' },
  draftSent: { vi: 'Đã gửi góp ý.', en: 'Comment sent.' },
  draftComments: { vi: 'Các ý kiến ({n})', en: 'Comments ({n})' },
  draftNoComments: { vi: 'Chưa có ý kiến.', en: 'No comments yet.' },
  draftMarkers: { vi: 'Các ý kiến góp ý trên trang', en: 'Comments on the page' },
  draftMarkerOf: { vi: 'Xem ý kiến của {name}', en: 'Show the comment by {name}' },
  draftShownTitle: { vi: 'Ý kiến trên trang {page}', en: 'Comment on page {page}' },
  draftShownClose: { vi: 'Đóng ý kiến', en: 'Close the comment' },
  draftPrivate: { vi: 'gửi ban soạn thảo', en: 'to the drafting team' },
  draftShared: { vi: 'công khai', en: 'visible to all' },
  draftExportPDF: { vi: 'Bảng tổng hợp ý kiến (PDF)', en: 'Table of comments (PDF)' },
  draftExportCSV: { vi: 'Bảng tổng hợp ý kiến (CSV)', en: 'Table of comments (CSV)' },
  draftCompare: { vi: 'So sánh bản {a} với bản {b}', en: 'Compare version {a} with version {b}' },
  draftCompareTitle: { vi: 'Thay đổi từ bản {a} sang bản {b}', en: 'Changes from version {a} to version {b}' },
  draftPageSame: { vi: 'Trang {page}: không thay đổi', en: 'Page {page}: unchanged' },
  draftPageChanged: { vi: 'Trang {page}: thêm {ins} từ, bỏ {del} từ', en: 'Page {page}: {ins} words added, {del} removed' },
  draftPageAdded: { vi: 'Trang {page}: trang mới', en: 'Page {page}: a new page' },
  draftPageRemoved: { vi: 'Trang {page}: trang bị bỏ', en: 'Page {page}: removed' },
  draftHideCompare: { vi: 'Đóng so sánh', en: 'Close the comparison' },
  offlineSaved: { vi: 'đã lưu để đọc ngoại tuyến', en: 'saved for offline' },
  offlineSaving: { vi: 'đang lưu để đọc ngoại tuyến…', en: 'saving for offline…' },

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
  votesFor: { vi: 'Đồng chí biểu quyết thay đồng chí {name}.', en: 'You vote for {name}.' },

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

  // Attendance.
  checkIn: { vi: 'Điểm danh', en: 'Check in' },
  checkOut: { vi: 'Rời hội nghị', en: 'Check out' },
  checkedIn: { vi: 'Đã điểm danh', en: 'Checked in' },
  notCheckedIn: { vi: 'Đồng chí chưa điểm danh', en: 'You have not checked in' },
  attendance: { vi: 'Điểm danh theo điểm cầu', en: 'Attendance per room' },
  present: { vi: 'Có mặt', en: 'Present' },
  members: { vi: 'Tổng số', en: 'Members' },

  // Chair.
  chairConsole: { vi: 'Bàn điều hành của Chủ tọa', en: 'Chair console' },
  isCurrent: { vi: 'Đang thảo luận', en: 'Current' },
  question: { vi: 'Nội dung biểu quyết', en: 'Question' },
  proposal: { vi: 'Tờ trình / dự thảo', en: 'Proposal' },
  none: { vi: '(không)', en: '(none)' },
  base_cast: { vi: 'số phiếu biểu quyết', en: 'ballots cast' },
  base_present: { vi: 'số đại biểu có mặt', en: 'members present' },
  base_members: { vi: 'tổng số đại biểu', en: 'all members' },
  threshold_simple: { vi: 'tán thành nhiều hơn không tán thành', en: 'more for than against' },
  threshold_absolute: { vi: 'quá nửa', en: 'more than half' },
  threshold_two_thirds: { vi: 'hai phần ba', en: 'two thirds' },
  choices: { vi: 'Phương án (mỗi dòng một phương án; để trống: Tán thành / Không tán thành / Không biểu quyết)', en: 'Choices (one per line; empty: for / against / abstain)' },
  poll_ready: { vi: 'Chuẩn bị', en: 'Ready' },
  poll_open: { vi: 'Đang biểu quyết', en: 'Open' },
  poll_closed: { vi: 'Đã kết thúc', en: 'Closed' },

  // Secretary.
  secretaryWorkspace: { vi: 'Không gian làm việc của Thư ký', en: 'Secretary workspace' },
  moveUp: { vi: 'Lên', en: 'Up' },
  moveDown: { vi: 'Xuống', en: 'Down' },
  readers: { vi: 'Người được đọc', en: 'Readers' },
  proposal_draft: { vi: 'Dự thảo', en: 'Draft' },
  proposal_voting: { vi: 'Đang biểu quyết', en: 'Voting' },
  proposal_adopted: { vi: 'Đã thông qua', en: 'Adopted' },
  proposal_rejected: { vi: 'Không thông qua', en: 'Rejected' },
  done: { vi: 'Đã thực hiện', en: 'Done' },

  // Participants from CSV and the agenda's drag and drop (secretary).
  csvErr_empty: { vi: 'Tệp không có dòng nào.', en: 'The file has no rows.' },
  csvErr_no_name_column: { vi: 'Dòng đầu không có cột họ và tên (“name” hoặc “họ và tên”).', en: 'The first line has no name column (“name” or “họ và tên”).' },
  csvErr_empty_name: { vi: 'Thiếu họ và tên', en: 'No name' },
  csvErr_unknown_role: { vi: 'Vai trò không rõ: “{value}”', en: 'Unknown role “{value}”' },
  csvErr_unknown_room: { vi: 'Không có điểm cầu “{value}”', en: 'No room “{value}”' },
  csvErr_bad_id: { vi: 'Mã “{value}” không hợp lệ (chữ không dấu, số, - _ .; tối đa 64 ký tự)', en: 'Id “{value}” is not valid (letters, digits, - _ .; at most 64)' },
  csvErr_duplicate_id: { vi: 'Mã “{value}” trùng trong tệp', en: 'Id “{value}” appears twice in the file' },
  csvErr_id_taken: { vi: 'Mã “{value}” đã có trong hội nghị', en: 'Id “{value}” is already in the meeting' },
  csvErr_duplicate_seat: { vi: 'Ghế {value} trùng trong tệp', en: 'Seat {value} appears twice in the file' },
  csvErr_seat_taken: { vi: 'Ghế {value} đã có người', en: 'Seat {value} is taken' },
  csvErr_too_long: { vi: 'Cột “{value}” quá dài', en: 'Column “{value}” is too long' },
  csvErr_role_view: {
    vi: 'Không gộp được vai trò: chủ tọa và thư ký xem toàn bộ hội nghị, người khác chỉ xem phần của mình; hãy xóa rồi thêm lại người này',
    en: 'The role cannot be merged: the chair and secretaries see the whole meeting, the others only their part; remove this person and add them again',
  },
  csvErr_name_exists: { vi: 'Lưu ý: hội nghị đã có người cùng tên (mã {value})', en: 'Note: someone of that name is already in the meeting (id {value})' },

  // Invitations (secretary).
  invitations: { vi: 'Giấy mời và mã QR', en: 'Invitations and QR codes' },

  // Meeting details (secretary).
  roomIdWillBe: { vi: 'Mã điểm cầu: {id}', en: 'Room id: {id}' },

  // Display.
  roomDisplay: { vi: 'Màn hình hội trường', en: 'Room display' },
  elapsed: { vi: 'Thời gian', en: 'Time' },

  // Meeting day (issue 16): what each action did, the chair's ballot, the motion's text, the phone.
  proposalOf: { vi: 'Tờ trình: {title}', en: 'Proposal: {title}' },
  proposalNoText: { vi: 'Tờ trình chưa có nội dung.', en: 'The proposal has no text.' },
  sendingChoice: { vi: 'Đang gửi phiếu: {choice}…', en: 'Sending your vote: {choice}…' },
  voteOffline: { vi: 'Mất kết nối — phiếu chưa được gửi.', en: 'Offline — your vote has not been sent yet.' },
  voteWillSend: {
    vi: 'Phiếu “{choice}” sẽ tự động được gửi khi có kết nối trở lại; chỉ khi máy chủ xác nhận mới được ghi nhận.',
    en: 'Your vote “{choice}” will be sent by itself when the connection is back; it counts once the server confirms it.',
  },
  readProposal: { vi: 'Đọc toàn văn: {title}', en: 'Read in full: {title}' },
  tabItem: { vi: 'Nội dung', en: 'Item' },
  tabFloor: { vi: 'Phát biểu', en: 'Speak' },
  moreTabs: { vi: 'Thông tin hội nghị', en: 'Meeting information' },
  readingView: { vi: 'Chế độ đọc', en: 'Reading view' },
  readingEnter: { vi: 'Đọc toàn màn hình', en: 'Full screen' },
  readingExit: { vi: 'Thoát toàn màn hình', en: 'Exit full screen' },
  fitPage: { vi: 'Vừa trang', en: 'Fit page' },
  fitWidth: { vi: 'Vừa chiều ngang', en: 'Fit width' },
  zoomIn: { vi: 'Phóng to', en: 'Zoom in' },
  zoomOut: { vi: 'Thu nhỏ', en: 'Zoom out' },
  published: { vi: 'Đã công bố hội nghị: đại biểu có thể đăng nhập và điểm danh.', en: 'The meeting is published: delegates can sign in and check in.' },
  attachedDocs: { vi: 'Tài liệu', en: 'Documents' },
  attachedTo: { vi: 'Tài liệu của mục {item}', en: 'Documents of item {item}' },
  withheldDoc: { vi: 'Tài liệu mật — không được phân quyền đọc', en: 'Confidential — not shared with you' },

  // Elections and confidence votes (issue 10): the secretary's editor, the ballot, the counting committee, the chair, the display.
  newConfidence: { vi: 'Chuẩn bị lấy phiếu tín nhiệm', en: 'Prepare a confidence vote' },
  elNo: { vi: 'STT', en: 'No.' },
  elName: { vi: 'Họ và tên', en: 'Full name' },
  elList_no_seats: { vi: 'Nhập số lượng cần bầu (ít nhất 1).', en: 'Enter the number of seats (at least 1).' },
  elList_too_few: { vi: 'Danh sách có {n} người, ít hơn số lượng cần bầu ({seats}).', en: 'The list has {n} names, fewer than the {seats} seats.' },
  elList_too_many: { vi: 'Danh sách có {n} người, dư quá 30 % so với số lượng cần bầu ({seats}; tối đa {max} người).', en: 'The list has {n} names, more than 30 % over the {seats} seats (at most {max}).' },
  elBase_convened: { vi: 'Tổng số đại biểu được triệu tập', en: 'Delegates convened' },
  elBase_members: { vi: 'Ủy viên chính thức, trừ người vắng mặt cả buổi có lý do được chấp thuận', en: 'Official members, less those absent all meeting with an approved reason' },
  elBaseNumber: { vi: 'Số người (cơ sở)', en: 'Number (base)' },
  elSecret: { vi: 'Bỏ phiếu kín', en: 'Secret ballot' },
  elApproval: { vi: 'Biểu quyết giơ tay thông qua số lượng và danh sách', en: 'Show of hands approving the seats and the list' },
  elApprovalMake: { vi: 'Tạo biểu quyết thông qua', en: 'Create the approval vote' },
  elApprovalQ: { vi: 'Thông qua số lượng bầu ({seats}) và danh sách bầu cử ({n} người): {title}', en: 'Approve the number to elect ({seats}) and the list ({n} names): {title}' },
  elNotApproved: { vi: 'Chưa được thông qua', en: 'Not approved yet' },
  elStatus_draft: { vi: 'Đang chuẩn bị', en: 'In preparation' },
  elStatus_ready: { vi: 'Sẵn sàng', en: 'Ready' },
  elStatus_open: { vi: 'Đang bỏ phiếu', en: 'Voting' },
  elStatus_closed: { vi: 'Đã kết thúc', en: 'Closed' },
  elRound: { vi: 'Vòng {n}', en: 'Round {n}' },
  candErr_empty_name: { vi: 'Thiếu họ và tên', en: 'No name' },
  candErr_bad_year: { vi: 'Năm sinh không hợp lệ: “{value}”', en: 'Year of birth not valid: “{value}”' },
  candErr_bad_order: { vi: 'STT không hợp lệ: “{value}”', en: 'Number not valid: “{value}”' },
  candErr_duplicate_order: { vi: 'STT {value} trùng trong tệp', en: 'Number {value} appears twice' },
  candErr_duplicate_candidate: { vi: '{value} có hai lần trong danh sách (cùng năm sinh)', en: '{value} is on the list twice (same year of birth)' },
  candErr_too_long: { vi: 'Cột “{value}” quá dài', en: 'Column “{value}” is too long' },
  candErr_same_name: { vi: 'Lưu ý: có người trùng họ tên, phân biệt bằng năm sinh và chức vụ', en: 'Note: another candidate has the same name; year and position tell them apart' },
  candErr_empty: { vi: 'Tệp không có dòng nào.', en: 'The file has no rows.' },
  candErr_no_name_column: { vi: 'Dòng đầu không có cột “Họ và tên”.', en: 'The first line has no “Full name” column.' },

  // The ballot (tablet).
  ballotEyebrow: { vi: 'Phiếu bầu cử — bỏ phiếu kín', en: 'Ballot — secret vote' },
  ballotConfEyebrow: { vi: 'Phiếu tín nhiệm — bỏ phiếu kín', en: 'Confidence ballot — secret vote' },
  ballotSeats: { vi: 'Số lượng cần bầu: {seats} — danh sách {n} người', en: 'Seats: {seats} — {n} names on the list' },
  ballotHowStrike: { vi: 'Chạm vào tên người đồng chí không bầu để gạch tên; chạm lần nữa để bỏ gạch. Giữ lại không quá {seats} người.', en: 'Tap the name of each person you do not choose to strike it; tap again to restore it. Keep at most {seats}.' },
  ballotHowApprove: { vi: 'Đánh dấu “Đồng ý” hoặc “Không đồng ý” cho từng người.', en: 'Mark “Agree” or “Disagree” for each person.' },
  ballotHowConfidence: { vi: 'Chọn một mức tín nhiệm cho từng người.', en: 'Choose one level for each person.' },
  agree: { vi: 'Đồng ý', en: 'Agree' },
  disagree: { vi: 'Không đồng ý', en: 'Disagree' },
  struckName: { vi: '{name} — đã gạch tên', en: '{name} — struck' },
  keptName: { vi: '{name} — giữ lại', en: '{name} — kept' },
  struck: { vi: 'đã gạch tên', en: 'struck' },
  ballotOnPaper: { vi: 'Điểm cầu của đồng chí bỏ phiếu giấy: Ban kiểm phiếu phát phiếu tại chỗ.', en: 'Your room votes on paper: the counting committee hands out the ballots there.' },
  strikeHint: { vi: 'Chạm để gạch', en: 'Tap to strike' },
  restoreHint: { vi: 'Chạm để bỏ gạch', en: 'Tap to restore' },
  ballotKept: { vi: 'Giữ lại {kept} / {seats} người', en: 'Kept {kept} of {seats}' },
  ballotInvalid_too_many_kept: { vi: 'Phiếu không hợp lệ: giữ lại {kept} người, nhiều hơn số lượng cần bầu ({seats}).', en: 'Invalid ballot: {kept} names kept, more than the {seats} seats.' },
  ballotInvalid_all_struck: { vi: 'Phiếu không hợp lệ: gạch tên tất cả những người trong danh sách.', en: 'Invalid ballot: every name is struck.' },
  ballotNoVoteFor: { vi: 'Không tính phiếu cho: {names} (không đánh dấu hoặc đánh dấu cả hai ô).', en: 'No vote for: {names} (no box or both boxes marked).' },
  ballotReview: { vi: 'Xem lại phiếu trước khi bỏ', en: 'Review the ballot' },
  ballotConfirmTitle: { vi: 'Phiếu sẽ được bỏ như sau', en: 'The ballot as it will be cast' },
  ballotCast: { vi: 'Bỏ phiếu', en: 'Cast the ballot' },
  ballotCastInvalid: { vi: 'Vẫn bỏ phiếu không hợp lệ', en: 'Cast it invalid anyway' },
  ballotBack: { vi: 'Sửa lại phiếu', en: 'Change the ballot' },
  ballotValid: { vi: 'Phiếu hợp lệ: bầu {kept} người.', en: 'Valid ballot: {kept} chosen.' },
  ballotSending: { vi: 'Đang gửi phiếu…', en: 'Sending the ballot…' },
  ballotWaiting: { vi: 'Phiếu sẽ tự gửi khi có kết nối lại.', en: 'The ballot goes by itself when the connection is back.' },
  ballotRecorded: { vi: 'Phiếu bầu của đồng chí đã được ghi nhận', en: 'Your ballot has been recorded' },
  level_high: { vi: 'Tín nhiệm cao', en: 'High confidence' },
  level_medium: { vi: 'Tín nhiệm', en: 'Confidence' },
  level_low: { vi: 'Tín nhiệm thấp', en: 'Low confidence' },

  // Counting committee.
  ccValid: { vi: 'Phiếu hợp lệ', en: 'Valid ballots' },
  ccInvalid: { vi: 'Phiếu không hợp lệ', en: 'Invalid ballots' },
  ccEntryOf: { vi: 'Lần nhập', en: 'Entry' },
  ccEntries: { vi: 'Đã nhập: {n} phiếu', en: 'Entered: {n} sheets' },
  ccPaperAdded: { vi: 'Đã cộng phiếu giấy vào kết quả', en: 'Paper ballots added to the count' },
  ccPaperPending: { vi: 'Phiếu giấy chưa được cộng: còn phiếu chưa khớp hoặc chưa đủ ba lần nhập.', en: 'Paper ballots are not counted yet: some entries do not match or are not entered three times.' },
  ccAddPaper: { vi: 'Cộng phiếu giấy vào kết quả', en: 'Add the paper ballots to the count' },
  ccOpenConsole: { vi: 'Bàn làm việc của Ban kiểm phiếu', en: 'Counting committee console' },
  ccTally: { vi: 'Kết quả kiểm phiếu', en: 'Count' },

  // Results.
  elResult: { vi: 'Kết quả bầu cử', en: 'Election result' },
  elVotes: { vi: 'Số phiếu', en: 'Votes' },
  elShare: { vi: 'Tỷ lệ', en: 'Share' },
  elShareOf: { vi: 'Tỷ lệ so với {base}', en: 'Share of {base}' },
  elElected: { vi: 'Trúng cử', en: 'Elected' },
  elNotElected: { vi: 'Không trúng cử', en: 'Not elected' },
  elTie: { vi: 'Bằng phiếu ở chỗ cuối cùng', en: 'Tie at the last seat' },
  elNeedsRound: { vi: 'Cần bầu vòng tiếp theo: {reason}', en: 'Another round is needed: {reason}' },
  elReason_tie: { vi: 'có người bằng phiếu ở chỗ cuối cùng', en: 'a tie at the last seat' },
  elReason_short: { vi: 'số người trúng cử ít hơn số lượng cần bầu', en: 'fewer elected than seats' },
  elNeeded: { vi: 'Cần quá một nửa của {base}: ít nhất {need} phiếu', en: 'More than half of {base} is needed: at least {need} votes' },
  elCounts: { vi: 'Phát ra {issued} · Thu vào {returned} · Hợp lệ {valid} · Không hợp lệ {invalid}', en: 'Issued {issued} · Returned {returned} · Valid {valid} · Invalid {invalid}' },
  elChart: { vi: 'Biểu đồ số phiếu', en: 'Votes chart' },

  // Secrecy levels, take-back and the copy register (issue 12).
  level_mat: { vi: 'Mật', en: 'Confidential' },
  level_toi_mat: { vi: 'Tối mật', en: 'Secret' },
  level_tuyet_mat: { vi: 'Tuyệt mật', en: 'Top secret' },
  takenBackTag: { vi: 'Đã thu hồi', en: 'Taken back' },
  docDownload: { vi: 'Tải về', en: 'Download' },
  docPrint: { vi: 'In', en: 'Print' },
  docDownloadOf: { vi: 'Tải về “{title}”', en: 'Download “{title}”' },
  docPrintOf: { vi: 'In “{title}”', en: 'Print “{title}”' },
  noDownloadHint: { vi: 'Tài liệu {level}: chỉ xem trong ứng dụng, không tải về, không in, không lưu trên máy.', en: '{level} document: read in the app only — no download, no print, no copy kept on the tablet.' },
  takenBackView: { vi: 'Tài liệu mật này đã được thu hồi.', en: 'This secret document has been taken back.' },
  notPresentedView: { vi: 'Tài liệu {level} chỉ được xem khi chủ tọa đang trình chiếu.', en: 'A {level} document is shown only while the chair presents it.' },
  rule_watermark: { vi: 'Đóng dấu tên người đọc', en: 'Watermark with the reader’s name' },
  rule_offline: { vi: 'Lưu trên máy để đọc ngoại tuyến', en: 'Kept on tablets for offline reading' },
  rule_download: { vi: 'Tải về và in', en: 'Download and print' },
  rule_presented_only: { vi: 'Chỉ xem khi đang trình chiếu (trừ người được chỉ định)', en: 'Only while presented (named readers excepted)' },
  rule_linked_displays: { vi: 'Hiển thị trên màn hình điểm cầu', en: 'Shown on linked rooms’ displays' },
  regKind: { vi: 'Hình thức', en: 'Kind' },
  kind_view: { vi: 'Xem trên máy', en: 'Viewed' },
  kind_offline: { vi: 'Lưu ngoại tuyến', en: 'Kept offline' },
  kind_download: { vi: 'Tải về', en: 'Downloaded' },
  kind_packet: { vi: 'Trong tập tài liệu', en: 'In the packet' },
  kind_annotated: { vi: 'Bản có ghi chú', en: 'Annotated copy' },

  // Words of the staff's screens whose names are common words (a module of the tablet may well
  // quote such a word for something else): kept here, not in i18n-staff.ts.
  pages: { vi: '{n} trang', en: '{n} pages' },
  room: { vi: 'Điểm cầu', en: 'Room' },
  total: { vi: 'Tổng cộng', en: 'Total' },
  quorum: { vi: 'Đủ số lượng (túc số)', en: 'Quorum' },
  adjourn: { vi: 'Tạm nghỉ', en: 'Adjourn' },
  presentation: { vi: 'Trình chiếu', en: 'Presentation' },
  show: { vi: 'Trình chiếu', en: 'Show' },
  polls: { vi: 'Biểu quyết', en: 'Votes' },
  secret: { vi: 'Biểu quyết kín', en: 'Secret' },
  base: { vi: 'Tính trên', en: 'Counted against' },
  threshold: { vi: 'Tỷ lệ cần đạt', en: 'Majority' },
  create: { vi: 'Tạo', en: 'Create' },
  participants: { vi: 'Thành phần tham dự', en: 'Participants' },
  name: { vi: 'Họ và tên', en: 'Name' },
  seat: { vi: 'Ghế', en: 'Seat' },
  add: { vi: 'Thêm', en: 'Add' },
  attach: { vi: 'Gắn tài liệu', en: 'Attach' },
  upload: { vi: 'Tải tài liệu lên (PDF)', en: 'Upload a document (PDF)' },
  file: { vi: 'Tệp PDF', en: 'PDF file' },
  uploading: { vi: 'Đang tải lên… {pct}%', en: 'Uploading… {pct}%' },
  uploaded: { vi: 'Đã tải lên: {title}', en: 'Uploaded: {title}' },
  preparing: { vi: 'Đang chuẩn bị… {done} / {total}', en: 'Preparing… {done} / {total}' },
  prepared: { vi: 'Đã chuẩn bị {done} / {total} bản', en: 'Prepared {done} / {total} copies' },
  exports: { vi: 'Tải về', en: 'Downloads' },
  publish: { vi: 'Công bố hội nghị', en: 'Publish the meeting' },
  proposals: { vi: 'Tờ trình', en: 'Proposals' },
  meetings: { vi: 'Cuộc họp', en: 'Meetings' },
  place: { vi: 'Địa điểm', en: 'Place' },
  attached: { vi: 'Đã gắn tài liệu “{title}” vào mục {item}', en: 'Attached “{title}” to item {item}' },
  elections: { vi: 'Bầu cử', en: 'Elections' },
  committee: { vi: 'Ban kiểm phiếu', en: 'Counting committee' },
  register: { vi: 'Sổ theo dõi tài liệu mật', en: 'Copy register of secret documents' },
} as const;

/** Key names a string of the table, or of the staff's screens (i18n-staff.ts, registered when their chunk loads). */
export type Key = keyof typeof table | StaffKey;

type Entry = { readonly vi: string; readonly en: string };

// The words added by other modules (i18n-staff.ts).
const added: Record<string, Entry> = {};

/** registerStrings adds a module's words to the table (i18n-staff.ts, as its chunk loads). */
export function registerStrings(t: Record<string, Entry>): void {
  Object.assign(added, t);
}

/** translate returns the string key in lang with {params} filled in. */
export function translate(lang: Lang, key: Key, params: Record<string, string | number> = {}): string {
  const e: Entry | undefined = (table as Record<string, Entry>)[key] ?? added[key];
  if (!e) return key; // a staff word before its chunk: cannot happen (its users import it), but never a blank
  const s: string = e[lang] ?? e.vi;
  return s.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? show(lang, params[p]) : m));
}

// Made on first use, not as the bundle starts (a formatter loads its locale's data).
const numbers: Partial<Record<Lang, Intl.NumberFormat>> = {};

/** show writes a parameter: numbers the interface language's way (1.234 in vi, 1,234 in en), not the browser's. */
function show(lang: Lang, v: string | number): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && v >= 0 && v < 1000) return String(v); // the same in both, without a formatter
  return (numbers[lang] ??= new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB')).format(v);
}

/** T is a translate function bound to a language. */
export type T = (key: Key, params?: Record<string, string | number>) => string;

/** keys lists every key (tests check both languages are complete). */
export function keys(): Key[] {
  return [...Object.keys(table), ...Object.keys(added)] as Key[];
}

/** errorText picks the message of an error in the language shown. */
export function errorText(lang: Lang, err: unknown): string {
  const e = err as { message?: string; messageVi?: string };
  if (lang === 'vi' && e?.messageVi) return e.messageVi;
  return e?.message ?? String(err);
}
