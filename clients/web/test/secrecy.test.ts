// Secrecy levels on the client (core/secrecy.ts, the fold, the store): the
// effective level and rules, what a viewer may open, keep, download and
// show on a linked display, what a take-back makes due, the hello's device
// id and the server's take-back asks, and ConfirmDeletion sent once per
// take-back, only when connected.
import { describe, expect, it } from 'vitest';
import { apply, normalize } from '../src/core/fold';
import { blocked, defaultRules, dueTakeBacks, levelOf, mayDownload, mayKeepOffline, mayOpen, rulesOf, takenBack } from '../src/core/secrecy';
import { MeetingStore } from '../src/core/store';
import { TakeBack } from '../src/core/takeback';
import { confirmDeletion } from '../src/ui/takeback';
import type { DocumentMeta, State } from '../src/core/types';
import { ev, Sockets } from './fakes';

const sha = 'ab'.repeat(32);
const doc = (id: string, extra: Partial<DocumentMeta> = {}): DocumentMeta => ({ id, title: id, pages: 2, sha256: sha, ...extra });

function meeting(docs: DocumentMeta[], extra: Partial<State> = {}): State {
  return normalize({
    version: 10,
    id: 'm1',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường', main: true },
      { id: 'far', name: 'Điểm cầu', following: true },
    ],
    participants: {
      chair: { id: 'chair', name: 'C', role: 'chair', room: 'main' },
      sec: { id: 'sec', name: 'S', role: 'secretary', room: 'main' },
      d1: { id: 'd1', name: 'D1', role: 'delegate', room: 'main' },
      d2: { id: 'd2', name: 'D2', role: 'delegate', room: 'main' },
      screen: { id: 'screen', name: 'M', role: 'display', room: 'main' },
      farScreen: { id: 'farScreen', name: 'M2', role: 'display', room: 'far' },
    },
    documents: Object.fromEntries(docs.map((d) => [d.id, d])),
    ...extra,
  });
}

describe('levels and rules', () => {
  it('a document reserved to readers without a level is Mật; the level wins when set', () => {
    expect(levelOf(doc('a'))).toBeUndefined();
    expect(levelOf(doc('a', { confidential: true, readers: ['d1'] }))).toBe('mat');
    expect(levelOf(doc('a', { confidential: true, level: 'tuyet_mat' }))).toBe('tuyet_mat');
    expect(levelOf(doc('a', { level: 'nonsense' as never }))).toBeUndefined();
  });

  it('has the issue’s defaults, and the secretary’s rules where she changed them', () => {
    const s = meeting([]);
    expect(rulesOf(s, 'mat')).toEqual({ watermark: true, offline: true, download: true, presented_only: false, linked_displays: true });
    expect(rulesOf(s, 'toi_mat')).toEqual({ watermark: true, offline: false, download: false, presented_only: false, linked_displays: true });
    expect(rulesOf(s, 'tuyet_mat')).toEqual({ watermark: true, offline: false, download: false, presented_only: true, linked_displays: false });
    s.secrecy_rules = { toi_mat: { ...defaultRules('toi_mat'), offline: true } };
    expect(rulesOf(s, 'toi_mat').offline).toBe(true);
    expect(rulesOf(s, 'mat')).toEqual(defaultRules('mat'));
  });
});

describe('what a viewer may do', () => {
  const docs = [doc('pub'), doc('mat', { level: 'mat' }), doc('toi', { level: 'toi_mat' }), doc('tuyet', { level: 'tuyet_mat' }), doc('named', { level: 'tuyet_mat', confidential: true, readers: ['d2'] })];

  it('keeps offline, downloads and prints by the level; the chair and the secretaries always download', () => {
    const s = meeting(docs);
    const d = (id: string) => s.documents[id];
    expect(['pub', 'mat', 'toi', 'tuyet'].map((id) => mayKeepOffline(s, d(id)))).toEqual([true, true, false, false]);
    expect(['pub', 'mat', 'toi', 'tuyet'].map((id) => mayDownload(s, d(id), 'd1'))).toEqual([true, true, false, false]);
    expect(['pub', 'mat', 'toi', 'tuyet'].map((id) => mayDownload(s, d(id), 'chair'))).toEqual([true, true, true, true]);
    expect(mayDownload(s, d('toi'), 'sec')).toBe(true);
  });

  it('opens Tuyệt mật only while the main hall presents it, or for its named readers', () => {
    const s = meeting(docs);
    expect(mayOpen(s, 'tuyet', 'd1')).toBe(false);
    expect(blocked(s, 'tuyet', 'd1')).toBe('not_presented');
    expect(mayOpen(s, 'named', 'd2')).toBe(true);
    expect(mayOpen(s, 'tuyet', 'chair')).toBe(true);
    s.presentation = { document: 'tuyet', page: 1 };
    expect(mayOpen(s, 'tuyet', 'd1')).toBe(true);
    expect(blocked(s, 'tuyet', 'd1')).toBeUndefined();
  });

  it('keeps Tuyệt mật off a linked room’s display until the chair allows it; the main hall’s display shows it', () => {
    const s = meeting(docs, { presentation: { document: 'tuyet', page: 1 } });
    expect(blocked(s, 'tuyet', 'screen')).toBeUndefined();
    expect(blocked(s, 'tuyet', 'farScreen')).toBe('kept_off');
    expect(blocked(s, 'toi', 'farScreen')).toBeUndefined();
    apply(s, ev(11, 'RoomDisplayAllowed', { document: 'tuyet', allow: true }));
    expect(s.documents.tuyet.display_allowed).toBe(true);
    expect(blocked(s, 'tuyet', 'farScreen')).toBeUndefined();
    apply(s, ev(12, 'RoomDisplayAllowed', { document: 'tuyet', allow: false }));
    expect(blocked(s, 'tuyet', 'farScreen')).toBe('kept_off');
  });

  it('a document taken back is shown to nobody but the chair and the secretaries, and kept by no tablet', () => {
    const s = meeting(docs);
    apply(s, ev(11, 'DocumentTakenBack', { document: 'mat', reason: 'secretary' }, '2026-12-03T02:00:00Z'));
    expect(s.documents.mat.taken_back).toEqual({ at: '2026-12-03T02:00:00Z', seq: 11, reason: 'secretary' });
    expect(blocked(s, 'mat', 'd1')).toBe('taken_back');
    expect(mayOpen(s, 'mat', 'd1')).toBe(false);
    expect(mayKeepOffline(s, s.documents.mat)).toBe(false);
    expect(mayDownload(s, s.documents.mat, 'd1')).toBe(false);
    expect(mayOpen(s, 'mat', 'sec')).toBe(true);
    expect(blocked(s, 'pub', 'd1')).toBeUndefined();
  });
});

describe('the fold', () => {
  it('sets rules and levels, takes back, and the close takes back every secret document left (not the others)', () => {
    const s = meeting([doc('pub'), doc('conf', { confidential: true, readers: ['d1'] }), doc('toi')]);
    apply(s, ev(11, 'SecrecyRulesSet', { level: 'toi_mat', rules: { ...defaultRules('toi_mat'), offline: true } }));
    apply(s, ev(12, 'DocumentLevelSet', { document: 'toi', level: 'toi_mat' }));
    apply(s, ev(13, 'DocumentTakenBack', { document: 'toi', reason: 'secretary' }));
    // The register's events change nothing the client keeps.
    const before = JSON.stringify(s);
    apply(s, ev(14, 'CopyServed', { participant: 'd1', device: 'tab-1', document: 'conf', version: sha, level: 'mat', kind: 'view', watermark: 'w', watermark_text: 'x' }));
    apply(s, ev(15, 'CopiesDeleted', { participant: 'd1', device: 'tab-1', documents: ['conf'], copies: 1 }));
    expect(JSON.stringify({ ...s, version: 13 })).toBe(before);
    apply(s, ev(16, 'MeetingClosed', {}, '2026-12-03T05:00:00Z'));
    expect(s.secrecy_rules?.toi_mat?.offline).toBe(true);
    expect(s.documents.toi.taken_back?.seq).toBe(13);
    expect(s.documents.conf.taken_back).toEqual({ at: '2026-12-03T05:00:00Z', seq: 16, reason: 'closed' });
    expect(s.documents.pub.taken_back).toBeUndefined();
    expect(takenBack(s, s.documents.pub)).toBe(false);
    apply(s, ev(17, 'DocumentLevelSet', { document: 'pub', level: '' }));
    expect(s.documents.pub.level).toBeUndefined();
  });

  it('makes due one take-back per document taken back, marked by its seq, and each server ask anew', () => {
    const s = meeting([doc('pub'), doc('a', { level: 'mat', taken_back: { at: 'x', seq: 40, reason: 'secretary' } }), doc('b', { level: 'toi_mat' })]);
    expect(dueTakeBacks(s)).toEqual([{ doc: 'a', mark: 's40' }]);
    apply(s, ev(50, 'MeetingClosed', {}));
    expect(dueTakeBacks(s).sort((x, y) => x.doc.localeCompare(y.doc))).toEqual([
      { doc: 'a', mark: 's40' },
      { doc: 'b', mark: 'c50' },
    ]);
    expect(dueTakeBacks(meeting([]), ['x'], 'k1.1')).toEqual([{ doc: 'x', mark: 'ask:k1.1' }]);
  });
});

describe('the store and the report', () => {
  function setup() {
    const sockets = new Sockets();
    const store = new MeetingStore({
      session: { token: 't', meeting: 'm1', participant: 'd1', role: 'delegate' },
      url: 'ws://x/ws',
      socket: sockets.factory,
      device: () => 'tab-abc',
    });
    store.start();
    sockets.current.open();
    return { sockets, store };
  }

  it('names the device in the hello and keeps the server’s asks (welcome and takeback message)', () => {
    const { sockets, store } = setup();
    expect(sockets.current.sent[0]).toMatchObject({ type: 'hello', device: 'tab-abc' });
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 10, snapshot: meeting([]), take_back: ['a', 'b'] });
    expect(store.takeBackAsk).toEqual(['a', 'b']);
    const first = store.takeBackAskId;
    sockets.current.deliver({ type: 'takeback', documents: ['c'] });
    expect(store.takeBackAsk).toEqual(['c']);
    expect(store.takeBackAskId).not.toBe(first);
    store.stop();
  });

  it('reports with ConfirmDeletion (the device, each document once) once acknowledged, and not while offline', async () => {
    const { sockets, store } = setup();
    const tb = new TakeBack({ offline: null, kv: null, key: 'k', send: (r) => confirmDeletion(store, r, 'tab-abc') });
    const due = [
      { doc: 'a', mark: 's40' },
      { doc: 'a', mark: 'ask:1' },
    ];
    // Not connected yet (no welcome): nothing sent, waiting.
    expect((await tb.run(due)).waiting).toHaveLength(2);
    expect(sockets.current.sent.filter((m) => m.type === 'command')).toEqual([]);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 10, snapshot: meeting([]) });
    const run = tb.run(due);
    await new Promise((r) => setTimeout(r, 0));
    const cmd = sockets.current.last('command');
    expect(cmd).toMatchObject({ name: 'ConfirmDeletion', args: { device: 'tab-abc', documents: ['a'] } });
    sockets.current.deliver({ type: 'ack', id: cmd.id, ok: true, seq: 11 });
    expect((await run).reported).toHaveLength(2);
    await tb.run(due);
    expect(sockets.current.sent.filter((m) => m.type === 'command')).toHaveLength(1);
    store.stop();
  });
});
