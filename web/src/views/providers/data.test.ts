// The provider form's mapping to the API: stored settings kept, secrets write-only, JSON checked.
import { describe, expect, it } from 'vitest';
import type { Provider } from './api';
import { JsonFieldError, createBodyOf, emptyForm, formOf, fromMicro, settingsOf, toMicro } from './data';

function provider(over: Partial<Provider> = {}): Provider {
  return {
    id: '01900000-0000-7000-8000-000000000001',
    name: 'carrier-a',
    channel: 'sms',
    type: 'smpp',
    settings: { host: 'smsc.test', port: 2775, systemId: 'pigeon', reconnectInitialDelayMs: 500 },
    hasPassword: true,
    secretVariableNames: [],
    enabled: true,
    priority: 0,
    weight: 1,
    tps: 100,
    windowSize: 10,
    dailyQuota: null,
    quotaResetTime: '00:00',
    quotaTimezone: 'UTC',
    quotaUsed: 0,
    quotaResetsAt: '2026-01-02T00:00:00.000Z',
    health: 'healthy',
    healthDetail: '',
    healthCheckedAt: null,
    isFrozen: false,
    consecutiveFailures: 0,
    remark: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

describe('DL-1 provider form', () => {
  it('keeps settings the form does not show and leaves an empty password out', () => {
    const p = provider();
    const form = formOf(p);
    form.systemType = 'cmt';
    const settings = settingsOf(form, p.settings);
    expect(settings).toEqual({
      host: 'smsc.test',
      port: 2775,
      systemId: 'pigeon',
      reconnectInitialDelayMs: 500,
      systemType: 'cmt',
      bindMode: 'transceiver',
    });
    expect(settings).not.toHaveProperty('password');
  });

  it('sends a typed password', () => {
    const form = { ...emptyForm(), host: 'h', port: 1, systemId: 's', password: 'pw' };
    expect(createBodyOf(form).settings).toMatchObject({ password: 'pw' });
  });

  it('parses HTTP settings and secret variables as JSON objects, naming the bad field', () => {
    const form = { ...emptyForm(), type: 'http' as const, secretVariables: '{"apiKey":"k"}' };
    expect(settingsOf(form)).toMatchObject({ secretVariables: { apiKey: 'k' }, request: { method: 'POST' } });
    expect(() => settingsOf({ ...form, secretVariables: '[1]' })).toThrow(JsonFieldError);
    expect(() => settingsOf({ ...form, httpSettings: 'nope' })).toThrow(JsonFieldError);
  });

  it('converts costs between currency units and integer micro-units', () => {
    expect(toMicro(0.0125)).toBe(12_500);
    expect(fromMicro(12_500)).toBe(0.0125);
  });
});
