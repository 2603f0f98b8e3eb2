import { describe, expect, it } from 'vitest';
import type { RouteRule } from './api';
import { COUNTRY_CODES, fieldErrorsByItem, formFieldOf, moveId, toFormModel, toRuleBody } from './data';

const rule: RouteRule = {
  id: 'r1',
  name: 'UK',
  priority: 0,
  enabled: false,
  mode: 'least_cost',
  channel: 'sms',
  match: {
    countries: ['GB'],
    prefixes: ['+4477'],
    timeWindow: { days: [1, 5], start: '22:00', end: '06:00' },
  },
  tiers: [{ providers: [{ providerId: 'p1', weight: 3 }] }, { providers: [{ providerId: 'p2', weight: 1 }] }],
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
};

describe('route rule form model', () => {
  it('round-trips a rule through the form unchanged', () => {
    expect(toRuleBody(toFormModel(rule))).toEqual({
      name: 'UK',
      enabled: false,
      channel: 'sms',
      mode: 'least_cost',
      match: rule.match,
      tiers: rule.tiers,
    });
  });

  it('starts a new rule with one tier holding one empty provider entry', () => {
    const m = toFormModel(null);
    expect(m.tiers).toHaveLength(1);
    expect(m.tiers[0]?.providers).toMatchObject([{ providerId: '', weight: 1 }]);
    expect(m.hasTimeWindow).toBe(false);
  });

  it('leaves out empty match lists, upper-cases and de-duplicates countries, and clears the time window', () => {
    const m = toFormModel(null);
    m.name = '  all  ';
    m.countries = ['gb', 'GB', ' '];
    m.senders = ['', 'ACME'];
    const body = toRuleBody(m);
    expect(body.name).toBe('all');
    expect(body.match).toEqual({ countries: ['GB'], senders: ['ACME'], timeWindow: null });
  });

  it('sends a time window without days when no day is ticked (every day)', () => {
    const m = toFormModel(null);
    m.hasTimeWindow = true;
    m.start = '08:00';
    m.end = '20:00';
    expect(toRuleBody(m).match.timeWindow).toEqual({ start: '08:00', end: '20:00' });
  });

  it('lists the ISO 3166 alpha-2 codes once each', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect(COUNTRY_CODES).toContain('CN');
    expect(COUNTRY_CODES).not.toContain('UK');
  });
});

describe('server field errors on the rule form', () => {
  it('puts each server field on the form item that edits it', () => {
    expect(formFieldOf('name')).toBe('name');
    expect(formFieldOf('match.countries.2')).toBe('countries');
    expect(formFieldOf('match.timeWindow.start')).toBe('timeWindow');
    expect(formFieldOf('tiers.0.providers.1.weight')).toBe('tiers');
    expect(formFieldOf('rule')).toBe('tiers');
  });

  it('joins several messages for one item', () => {
    expect(
      fieldErrorsByItem([
        { field: 'match.prefixes.0', message: 'a' },
        { field: 'match.prefixes.3', message: 'b' },
        { field: 'name', message: 'c' },
      ]),
    ).toEqual({ prefixes: 'a; b', name: 'c' });
  });
});

describe('reordering by drag and drop', () => {
  it('moves a rule down onto the position of the row it was dropped on', () => {
    expect(moveId(['a', 'b', 'c'], 'a', 'c')).toEqual(['b', 'c', 'a']);
  });

  it('moves a rule up onto the position of the row it was dropped on', () => {
    expect(moveId(['a', 'b', 'c'], 'c', 'a')).toEqual(['c', 'a', 'b']);
  });

  it('keeps the order when a row is dropped on itself or an unknown id', () => {
    expect(moveId(['a', 'b'], 'a', 'a')).toEqual(['a', 'b']);
    expect(moveId(['a', 'b'], 'x', 'a')).toEqual(['a', 'b']);
  });
});
