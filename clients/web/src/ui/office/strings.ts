// The words of the between-meetings screens (committees, the calendar and
// its iCalendar link, written consultations), Vietnamese first and English.

import type { Lang } from '../../i18n';

const table = {
  calendarTitle: { vi: 'Lịch của đồng chí', en: 'Your calendar' },
  calendarEmpty: { vi: 'Chưa có cuộc họp hay đợt lấy ý kiến nào.', en: 'No meeting or consultation yet.' },
  kind_meeting: { vi: 'Hội nghị', en: 'Meeting' },
  kind_consultation: { vi: 'Lấy ý kiến', en: 'Consultation' },
  answeredMark: { vi: 'đã trả lời', en: 'answered' },
  feedTitle: { vi: 'Đưa lịch vào điện thoại (iCal)', en: 'Your calendar on your phone (iCal)' },
  feedHint: {
    vi: 'Địa chỉ riêng, chỉ hiện một lần: thêm vào ứng dụng lịch của điện thoại (đăng ký lịch qua URL). Ai có địa chỉ này đều xem được lịch; khi mất máy, hãy thu hồi.',
    en: 'A private address, shown once: add it to your phone’s calendar app (subscribe by URL). Anyone with it can read the calendar; revoke it when a phone is lost.',
  },
  feedMake: { vi: 'Tạo địa chỉ lịch riêng', en: 'Make a private calendar address' },
  feedRenew: { vi: 'Tạo địa chỉ mới (địa chỉ cũ ngừng hoạt động)', en: 'Make a new address (the old one stops)' },
  feedRevoke: { vi: 'Thu hồi địa chỉ lịch', en: 'Revoke the calendar address' },
  feedRevoked: { vi: 'Đã thu hồi; địa chỉ cũ không còn hoạt động.', en: 'Revoked; the old address no longer works.' },
  feedOpen: { vi: 'Mở bằng ứng dụng lịch', en: 'Open in the calendar app' },
  feedHas: { vi: 'Đồng chí đang có một địa chỉ lịch riêng.', en: 'You have a private calendar address.' },

  consultTitle: { vi: 'Lấy ý kiến bằng văn bản', en: 'Written consultations' },
  consultEmpty: { vi: 'Không có phiếu lấy ý kiến nào.', en: 'No consultation.' },
  status_draft: { vi: 'bản nháp, chờ duyệt', en: 'draft, awaiting approval' },
  status_open: { vi: 'đang lấy ý kiến', en: 'open' },
  status_closed: { vi: 'đã kết thúc', en: 'closed' },
  deadline: { vi: 'Hạn trả lời: {at}', en: 'Deadline: {at}' },
  answeredCount: { vi: 'Đã trả lời: {n}/{total}', en: 'Answered: {n}/{total}' },
  reminded: { vi: 'Văn phòng đã nhắc đồng chí trả lời lúc {at}.', en: 'The office reminded you to answer at {at}.' },
  youAnswered: { vi: 'Đồng chí đã trả lời lúc {at}; có thể sửa đến hạn.', en: 'You answered at {at}; you may change it until the deadline.' },
  toAnswer: { vi: 'Còn {n} phiếu chờ đồng chí trả lời; hạn gần nhất: {at}.', en: '{n} consultation(s) wait for your answer; the nearest deadline: {at}.' },
  allAnswered: { vi: 'Đồng chí đã trả lời mọi phiếu đang lấy ý kiến.', en: 'You have answered every open consultation.' },
  consultTitleShort: { vi: 'Lấy ý kiến', en: 'Consultations' },
  waitingN: { vi: '{n} phiếu chờ đồng chí trả lời', en: '{n} waiting for your answer' },
  allAnsweredShort: { vi: 'đã trả lời đủ', en: 'all answered' },
  stateWaiting: { vi: 'Chưa trả lời', en: 'Not answered yet' },
  stateAnswered: { vi: 'Đã trả lời', en: 'Answered' },
  question: { vi: 'Câu {n}. {text}', en: 'Question {n}. {text}' },
  yourOpinion: { vi: 'Ý kiến của đồng chí', en: 'Your opinion' },
  opinionFor: { vi: 'Ý kiến cho câu {n}', en: 'Opinion on question {n}' },
  send: { vi: 'Gửi ý kiến', en: 'Send' },
  sendAgain: { vi: 'Gửi lại ý kiến', en: 'Send again' },
  sent: { vi: 'Đã gửi ý kiến.', en: 'Your answer was sent.' },
  missing: { vi: 'Câu {n} chưa trả lời đủ (chọn một phương án; "Ý kiến khác" cần ghi ý kiến).', en: 'Question {n} is not fully answered (pick a choice; "Ý kiến khác" needs a text).' },
  approve: { vi: 'Duyệt và gửi phiếu', en: 'Approve and send' },
  closeNow: { vi: 'Kết thúc lấy ý kiến', en: 'Close the consultation' },
  remind: { vi: 'Nhắc người chưa trả lời', en: 'Remind those who have not answered' },
  remindedN: { vi: 'Đã nhắc {n} đồng chí chưa trả lời.', en: 'Reminded {n} members who have not answered.' },
  remindFailed: { vi: 'Không gửi được thư nhắc tới: {who}.', en: 'The reminder e-mail could not be sent to: {who}.' },
  summary: { vi: 'Báo cáo tổng hợp ý kiến (PDF)', en: 'Summary of opinions (PDF)' },
  documents: { vi: 'Tài liệu', en: 'Documents' },
  pages: { vi: '{n} trang', en: '{n} pages' },
  passed: { vi: 'THÔNG QUA', en: 'PASSED' },
  failed: { vi: 'KHÔNG THÔNG QUA', en: 'NOT PASSED' },
  resultLine: { vi: '{verdict}: {agree}/{base} đồng ý, cần {needed}', en: '{verdict}: {agree}/{base} agree, {needed} needed' },

  draftTitle: { vi: 'Soạn phiếu lấy ý kiến', en: 'Draft a consultation' },
  draftHint: { vi: 'Người chủ trì của ban duyệt phiếu trước khi gửi tới các thành viên.', en: 'The committee’s chair approves it before it goes to the members.' },
  draftCommittee: { vi: 'Ban được lấy ý kiến', en: 'Committee consulted' },
  draftName: { vi: 'Tiêu đề', en: 'Title' },
  draftDescription: { vi: 'Nội dung xin ý kiến', en: 'What is asked' },
  draftQuestion: { vi: 'Câu hỏi {n}', en: 'Question {n}' },
  draftFree: { vi: 'Trả lời tự do (không biểu quyết)', en: 'Free answer (no vote)' },
  draftAddQuestion: { vi: 'Thêm câu hỏi', en: 'Add a question' },
  draftDeadline: { vi: 'Hạn trả lời', en: 'Deadline' },
  draftSave: { vi: 'Lưu bản nháp', en: 'Save the draft' },
  drafted: { vi: 'Đã lưu bản nháp; chờ người chủ trì duyệt.', en: 'Draft saved; awaiting the chair’s approval.' },
  addDocument: { vi: 'Thêm tài liệu PDF', en: 'Add a PDF document' },
  documentAdded: { vi: 'Đã thêm tài liệu {title}.', en: 'Added the document {title}.' },
  committeesTitle: { vi: 'Các ban và thành viên', en: 'Committees and members' },
  peopleTitle: { vi: 'Danh sách cán bộ', en: 'People' },
  addPerson: { vi: 'Thêm người', en: 'Add a person' },
  personName: { vi: 'Họ và tên', en: 'Full name' },
  personTitle: { vi: 'Chức vụ', en: 'Title' },
  personUnit: { vi: 'Cơ quan, đơn vị', en: 'Office or unit' },
  personEmail: { vi: 'Thư điện tử', en: 'E-mail' },
  personAccount: { vi: 'Tài khoản đăng nhập (nếu có)', en: 'Login account (if any)' },
  personStaff: {
    vi: 'Cán bộ văn phòng (quản lý danh sách và các ban, soạn phiếu lấy ý kiến)',
    en: 'Office staff (manages people and committees, prepares consultations)',
  },
  staffBadge: { vi: 'Cán bộ văn phòng', en: 'Office staff' },
  staffOf: { vi: 'Cán bộ văn phòng: {name}', en: 'Office staff: {name}' },
  staffOn: { vi: 'Đã giao quyền cán bộ văn phòng cho {name}.', en: '{name} is now office staff.' },
  staffOff: { vi: 'Đã bỏ quyền cán bộ văn phòng của {name}.', en: '{name} is no longer office staff.' },
  save: { vi: 'Lưu', en: 'Save' },
  saved: { vi: 'Đã lưu {name}.', en: 'Saved {name}.' },
  newCommittee: { vi: 'Thêm ban', en: 'Add a committee' },
  committeeName: { vi: 'Tên ban', en: 'Committee name' },
  committeeID: { vi: 'Mã ban (chữ không dấu)', en: 'Committee id (a–z, digits)' },
  membersOf: { vi: 'Thành viên', en: 'Members' },
  chairOf: { vi: 'Chủ trì', en: 'Chair' },
  memberCount: { vi: '{n} thành viên', en: '{n} members' },
  meetingOf: { vi: 'Tạo hội nghị của ban', en: 'A meeting of the committee' },
  meetingOfHint: { vi: 'Thành viên của ban trở thành người tham dự; đồng chí là thư ký.', en: 'The committee’s members become the participants; you are the secretary.' },
  meetingTitle: { vi: 'Tên hội nghị', en: 'Meeting title' },
  startsAt: { vi: 'Thời gian bắt đầu', en: 'Starts at' },
  place: { vi: 'Địa điểm', en: 'Place' },
  createMeeting: { vi: 'Tạo hội nghị', en: 'Create the meeting' },
} as const;

export type OKey = keyof typeof table;

/** ot returns the words of key in lang, with {name} parameters filled in. */
export function ot(lang: Lang, key: OKey, params?: Record<string, string | number>): string {
  let s: string = table[key][lang];
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** when shows a time in Vietnam's time, as people there read it. */
export function when(lang: Lang, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });
}

/** keys lists every word (for the i18n test). */
export const officeKeys = () => Object.keys(table) as OKey[];
