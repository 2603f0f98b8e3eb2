import { describe, expect, it } from 'vitest';
import { grants } from './permissions';

describe('permission patterns', () => {
  it('grants an exact code', () => {
    expect(grants(['customers:enterprise:read'], 'customers:enterprise:read')).toBe(true);
    expect(grants(['customers:enterprise:read'], 'customers:enterprise:update')).toBe(false);
  });

  it('grants everything under a module or resource prefix', () => {
    expect(grants(['customers:*'], 'customers:sending-account:create')).toBe(true);
    expect(grants(['identity:api-key:*'], 'identity:api-key:revoke')).toBe(true);
    expect(grants(['identity:api-key:*'], 'identity:user:read')).toBe(false);
    expect(grants(['customers:*'], 'customersx:enterprise:read')).toBe(false);
  });

  it('grants every code to *', () => {
    expect(grants(['*'], 'ops:backup:restore')).toBe(true);
  });

  it('grants nothing to a user without patterns', () => {
    expect(grants([], 'customers:enterprise:read')).toBe(false);
  });
});
