import { describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import { toEventBridgeCron } from '#workflows/schedule-expression';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { registry } from '#workflows/index';

describe('toEventBridgeCron', () => {
  it.each([
    ['0 2 * * *', 'cron(0 2 * * ? *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['30 6 1 * *', 'cron(30 6 1 * ? *)'],
    ['0 8 * * 1-5', 'cron(0 8 ? * MON-FRI *)'],
    ['0 8 * * MON-FRI', 'cron(0 8 ? * MON-FRI *)'],
    ['0 9 * * 0', 'cron(0 9 ? * SUN *)'],
    ['0 9 * * 7', 'cron(0 9 ? * SUN *)'],
    ['0 9 * * 5-7', 'cron(0 9 ? * SUN,FRI,SAT *)'],
    ['0 9 * * 3-7', 'cron(0 9 ? * SUN,WED-SAT *)'],
    ['0 9 * * 1,3', 'cron(0 9 ? * MON,WED *)'],
    ['0 9 * * */2', 'cron(0 9 ? * SUN,TUE,THU,SAT *)'],
    ['0 0 */2 * *', 'cron(0 0 1/2 * ? *)'],
    ['0 7 1 1,4,7,10 *', 'cron(0 7 1 1,4,7,10 ? *)'],
  ])('maps %s to %s', (cron, expected) => {
    expect(toEventBridgeCron(cron)).toBe(expected);
  });

  it('maps day-of-week to the same days croner fires on', () => {
    // 2025-01-05 is a Sunday; collect the weekdays croner picks for a week and compare with the EventBridge names.
    const names = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
    for (const cron of ['0 9 * * 1-5', '0 9 * * 5-7', '0 9 * * */3', '0 9 * * SAT,SUN']) {
      const fired = new Cron(cron, { timezone: 'UTC', mode: '5-part' })
        .nextRuns(7, new Date('2025-01-04T23:00:00Z'))
        .filter((d) => d < new Date('2025-01-12T00:00:00Z'))
        .map((d) => names[d.getUTCDay()]);
      const eventBridgeDow = toEventBridgeCron(cron).split(' ')[4]!;
      const expanded = eventBridgeDow.split(',').flatMap((part) => {
        const [a, b] = part.split('-');
        return b ? names.slice(names.indexOf(a!), names.indexOf(b) + 1) : [a];
      });
      expect(expanded.sort()).toEqual([...fired].sort());
    }
  });

  it('rejects what EventBridge cannot express', () => {
    expect(() => toEventBridgeCron('0 9 1 * 1')).toThrow(/both day-of-month and day-of-week/);
    expect(() => toEventBridgeCron('0 9 * *')).toThrow(/five fields/);
    expect(() => toEventBridgeCron('0 9 * * 5L')).toThrow(/day-of-week/);
  });

  it('maps every registered schedule', () => {
    for (const schedule of [...registry.schedules, ...engineTestRegistry.schedules]) {
      expect(toEventBridgeCron(schedule.cron)).toMatch(/^cron\(\S+ \S+ \S+ \S+ \S+ \*\)$/);
    }
  });
});
