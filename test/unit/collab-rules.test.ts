import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/core/principal';
import { changeStatus, isBreached, routeTo } from '#shared/team/collab-rules';
import type { CollabRequest } from '#shared/team/collab-schemas';

const handler: Principal = { userId: 'manager-legal', name: 'L', roles: ['manager'], teamId: 'legal' };
const request = (over: Partial<CollabRequest> = {}): CollabRequest => ({
  id: 'r1',
  requesterId: 'rep-1',
  toDepartment: 'legal',
  departmentTeamId: 'legal',
  assigneeId: 'manager-legal',
  subject: 'NDA',
  detail: 'Please review',
  dueAt: '2026-03-02T12:00:00.000Z',
  status: 'open',
  history: [{ status: 'open', at: '2026-03-01T09:00:00.000Z', by: 'rep-1' }],
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  version: 1,
  ...over,
});

describe('routing a request', () => {
  it('goes to the manager of the department’s first team by id; teams without a department are sales', () => {
    const teams = [{ id: 'legal-south', department: 'legal', managerId: 'b' }, { id: 'east', managerId: 'x' }, { id: 'legal-east', department: 'legal', managerId: 'a' }];
    expect(routeTo(teams, 'legal')).toEqual({ teamId: 'legal-east', assigneeId: 'a' });
    expect(() => routeTo(teams, 'delivery')).toThrow(expect.objectContaining({ status: 409, code: 'no_department_team' }));
    expect(() => routeTo([{ id: 'p', department: 'product' }], 'product')).toThrow(expect.objectContaining({ status: 409, code: 'no_department_manager' }));
  });
});

describe('status changes', () => {
  it('open → accepted → resolved stores the resolution time and the breach; only allowed moves pass', () => {
    const accepted = changeStatus(request(), { status: 'accepted' }, handler, '2026-03-01T10:00:00.000Z');
    expect(accepted).toMatchObject({ status: 'accepted', acceptedAt: '2026-03-01T10:00:00.000Z', version: 2 });
    expect(accepted.breached).toBeUndefined();
    const resolved = changeStatus(accepted, { status: 'resolved', note: 'Signed' }, handler, '2026-03-02T13:00:00.000Z');
    expect(resolved).toMatchObject({ status: 'resolved', resolutionSeconds: 28 * 3600, breached: true, closedAt: '2026-03-02T13:00:00.000Z' });
    expect(resolved.history.map((h) => h.status)).toEqual(['open', 'accepted', 'resolved']);

    expect(() => changeStatus(request(), { status: 'resolved', note: 'x' }, handler, '2026-03-01T10:00:00.000Z')).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    expect(() => changeStatus(accepted, { status: 'accepted' }, handler, '2026-03-01T10:00:00.000Z')).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    expect(() => changeStatus(resolved, { status: 'rejected', note: 'x' }, handler, '2026-03-03T10:00:00.000Z')).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    expect(() => changeStatus(accepted, { status: 'resolved' }, handler, '2026-03-01T10:00:00.000Z')).toThrow(expect.objectContaining({ status: 400, fields: { note: expect.any(String) } }));
    const rep: Principal = { userId: 'rep-1', name: 'R', roles: ['rep'], teamId: 'east' };
    expect(() => changeStatus(request(), { status: 'accepted' }, rep, '2026-03-01T10:00:00.000Z')).toThrow(expect.objectContaining({ status: 403 }));
    const teammate: Principal = { userId: 'lawyer', name: 'W', roles: ['rep'], teamId: 'legal' };
    expect(changeStatus(request(), { status: 'rejected', note: 'Not ours' }, teammate, '2026-03-03T10:00:00.000Z')).toMatchObject({ status: 'rejected', breached: false });
  });

  it('breached: past due while open or accepted, or resolved late; never when rejected', () => {
    expect(isBreached(request(), '2026-03-02T11:59:59.999Z')).toBe(false);
    expect(isBreached(request(), '2026-03-02T12:00:00.001Z')).toBe(true);
    expect(isBreached(request({ status: 'accepted' }), '2026-03-05T00:00:00.000Z')).toBe(true);
    expect(isBreached(request({ status: 'resolved', closedAt: '2026-03-02T11:00:00.000Z' }), '2026-03-09T00:00:00.000Z')).toBe(false);
    expect(isBreached(request({ status: 'rejected', closedAt: '2026-03-04T11:00:00.000Z' }), '2026-03-09T00:00:00.000Z')).toBe(false);
  });
});
