// The words of the conclusions and the task follow-up (Theo dõi nhiệm
// vụ), Vietnamese first and English.

import type { Lang } from '../../i18n';

const table = {
  dashTitle: { vi: 'Theo dõi nhiệm vụ', en: 'Task follow-up' },
  dashEmpty: { vi: 'Chưa có nhiệm vụ nào được giao.', en: 'No task has been assigned yet.' },
  dashCounts: { vi: 'Đang thực hiện: {open} · Quá hạn: {late} · Hoàn thành: {done}', en: 'Open: {open} · Overdue: {late} · Done: {done}' },
  dashPDF: { vi: 'Xuất báo cáo (PDF)', en: 'Export the report (PDF)' },
  colTask: { vi: 'Nhiệm vụ', en: 'Task' },
  colConclusion: { vi: 'Văn bản', en: 'Document' },
  colAssignee: { vi: 'Người/đơn vị thực hiện', en: 'Assignee' },
  colDeadline: { vi: 'Thời hạn', en: 'Deadline' },
  colProgress: { vi: 'Tiến độ', en: 'Progress' },
  colState: { vi: 'Tình trạng', en: 'Status' },
  state_open: { vi: 'Đang thực hiện', en: 'Open' },
  state_late: { vi: 'Quá hạn', en: 'Overdue' },
  state_done: { vi: 'Hoàn thành', en: 'Done' },
  state_imported: { vi: 'Chưa xong khi lưu trữ', en: 'Not done when archived' },
  importedReadOnly: {
    vi: 'Kết luận này được khôi phục từ bản lưu trữ: chỉ để xem, không báo cáo tiến độ tại đây.',
    en: 'This conclusion was restored from an archive: read only, progress is not reported here.',
  },
  dashImported: {
    vi: 'Nhiệm vụ của kết luận khôi phục từ bản lưu trữ — chỉ để xem, không tính vào số liệu trên ({n})',
    en: 'Tasks of conclusions imported from an archive — read only, not counted above ({n})',
  },
  myTitle: { vi: 'Nhiệm vụ được giao cho đồng chí', en: 'Tasks assigned to you' },
  myEmpty: { vi: 'Đồng chí không có nhiệm vụ nào.', en: 'You have no task.' },
  reminded: { vi: 'Văn phòng đã nhắc lúc {at}.', en: 'The office reminded you at {at}.' },
  reportTitle: { vi: 'Báo cáo tiến độ: {task}', en: 'Report on: {task}' },
  percent: { vi: 'Tiến độ (%)', en: 'Progress (%)' },
  doneBox: { vi: 'Đã hoàn thành', en: 'Done' },
  note: { vi: 'Nội dung báo cáo', en: 'Report' },
  file: { vi: 'Tệp đính kèm (PDF)', en: 'Attachment (PDF)' },
  send: { vi: 'Gửi báo cáo', en: 'Send the report' },
  sent: { vi: 'Đã gửi báo cáo.', en: 'The report was sent.' },
  badPercent: { vi: 'Tiến độ phải từ 0 đến 100%.', en: 'Progress must be 0 to 100%.' },
  needNote: { vi: 'Cần nội dung báo cáo hoặc tệp đính kèm.', en: 'A report needs a note or an attachment.' },
  notPDF: { vi: 'Tệp đính kèm phải là PDF.', en: 'The attachment must be a PDF.' },
  lastReport: { vi: 'Báo cáo gần nhất: {at} — {percent}%', en: 'Last report: {at} — {percent}%' },
  attachment: { vi: 'Tệp: {title}', en: 'File: {title}' },
  approveTitle: { vi: 'Kết luận chờ duyệt', en: 'Conclusions awaiting approval' },
  approve: { vi: 'Duyệt và cấp số: {title}', en: 'Approve and number: {title}' },
  approved: { vi: 'Đã duyệt: {heading}.', en: 'Approved: {heading}.' },
  signTitle: { vi: 'Ký số kết luận, nghị quyết, báo cáo tổng hợp ý kiến', en: 'Signing conclusions, resolutions and consultation summaries' },
  summaryHead: { vi: 'Báo cáo tổng hợp ý kiến', en: 'Summary of opinions' },
  signSummaryHint: { vi: 'Hoặc ký bằng thiết bị ký số của đồng chí: dais sign -consultation {id}', en: 'Or sign with your own token: dais sign -consultation {id}' },
  signBtn: { vi: 'Ký số bằng chứng thư của máy chủ', en: "Sign with the server's certificate" },
  signedPDF: { vi: 'Bản đã ký (PDF)', en: 'Signed copy (PDF)' },
  signedOn: { vi: 'Đã ký số {heading}.', en: 'Signed {heading}.' },
  signHint: { vi: 'Hoặc ký bằng thiết bị ký số của đồng chí: dais sign -conclusion {id}', en: 'Or sign with your own token: dais sign -conclusion {id}' },
  panelTitle: { vi: 'Kết luận, nghị quyết', en: 'Conclusions and resolutions' },
  none: { vi: 'Chưa có kết luận nào.', en: 'No conclusion yet.' },
  status_draft: { vi: 'dự thảo, chờ duyệt', en: 'draft, awaiting approval' },
  status_approved: { vi: 'đã duyệt, chờ ban hành', en: 'approved, to be published' },
  status_published: { vi: 'đã ban hành', en: 'published' },
  approveBtn: { vi: 'Duyệt và cấp số', en: 'Approve and number' },
  publishBtn: { vi: 'Ban hành', en: 'Publish' },
  published: { vi: 'Đã ban hành {heading}.', en: 'Published {heading}.' },
  pdf: { vi: 'Bản PDF', en: 'PDF' },
  draftTitle: { vi: 'Soạn kết luận', en: 'Draft a conclusion' },
  item: { vi: 'Nội dung (mục chương trình)', en: 'Agenda item' },
  kind: { vi: 'Loại văn bản', en: 'Kind' },
  kind_conclusion: { vi: 'Kết luận', en: 'Conclusion' },
  kind_resolution: { vi: 'Nghị quyết', en: 'Resolution' },
  cTitle: { vi: 'Trích yếu', en: 'Title' },
  cText: { vi: 'Nội dung kết luận', en: 'Text' },
  taskN: { vi: 'Nhiệm vụ {n}', en: 'Task {n}' },
  taskTitle: { vi: 'Nội dung nhiệm vụ {n}', en: 'Task {n}' },
  assignTo: { vi: 'Giao cho (nhiệm vụ {n})', en: 'Assigned to (task {n})' },
  unitName: { vi: 'Tên đơn vị (nhiệm vụ {n})', en: 'Unit (task {n})' },
  aUnit: { vi: 'Một đơn vị…', en: 'A unit…' },
  deadlineN: { vi: 'Thời hạn (nhiệm vụ {n})', en: 'Deadline (task {n})' },
  addTask: { vi: 'Thêm nhiệm vụ', en: 'Add a task' },
  saveDraft: { vi: 'Lưu dự thảo', en: 'Save the draft' },
  editBtn: { vi: 'Sửa dự thảo', en: 'Edit the draft' },
  editTitle: { vi: 'Sửa dự thảo kết luận', en: 'Edit the draft conclusion' },
  saveEdit: { vi: 'Lưu thay đổi', en: 'Save the changes' },
  cancelEdit: { vi: 'Hủy', en: 'Cancel' },
  edited: { vi: 'Đã lưu thay đổi của dự thảo.', en: 'The draft’s changes are saved.' },
  drafted: { vi: 'Đã lưu dự thảo; chờ người chủ trì duyệt.', en: 'Draft saved; awaiting the chair’s approval.' },
  needTitle: { vi: 'Cần trích yếu và nội dung.', en: 'A title and a text are needed.' },
  needTask: { vi: 'Nhiệm vụ {n} cần nội dung, người (đơn vị) được giao và thời hạn.', en: 'Task {n} needs a text, an assignee and a deadline.' },
} as const;

export type TKey = keyof typeof table;

/** tw returns the words of key in lang, with {name} parameters filled in. */
export function tw(lang: Lang, key: TKey, params?: Record<string, string | number>): string {
  let s: string = table[key][lang];
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** taskKeys lists every word (for the tests). */
export const taskKeys = () => Object.keys(table) as TKey[];

/** day writes a date in Vietnam's time. */
export function day(lang: Lang, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
}
