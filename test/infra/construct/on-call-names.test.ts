import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { MAX_ON_CALL_NAME_LENGTH, onCallName } from '../../../infra/construct/on-call-names.js';

describe('onCallName', () => {
  it('is the stack name, the construct path in its stack and the name, joined by the separator', () => {
    const stack = new Stack(new App(), 'Secrets');
    const rotation = new Construct(new Construct(stack, 'Team'), 'Rotation');

    expect(onCallName(rotation, 'FunctionErrors', '-')).toBe('Secrets-Team-Rotation-FunctionErrors');
    expect(onCallName(rotation, 'one-run', '/')).toBe('Secrets/Team/Rotation/one-run');
  });

  it('cuts a long owner to fit 255 characters, keeping the name whole and two owners apart', () => {
    const stack = new Stack(new App(), 'S'.repeat(128));
    const first = new Construct(stack, `${'C'.repeat(200)}1`);
    const second = new Construct(stack, `${'C'.repeat(200)}2`);

    const names = [onCallName(first, 'DeliveryHealthUnknown', '-'), onCallName(second, 'DeliveryHealthUnknown', '-')];
    for (const name of names) {
      expect(name).toHaveLength(MAX_ON_CALL_NAME_LENGTH);
      expect(name).toMatch(/^S{128}-C+-[0-9a-f]{8}-DeliveryHealthUnknown$/);
    }
    expect(names[0]).not.toBe(names[1]);
  });
});
