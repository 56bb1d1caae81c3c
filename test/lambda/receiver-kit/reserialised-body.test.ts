// The forms of a JSON body that Prolific's own verification sample may have signed: as Python's json.dumps
// writes it, and as compact JSON, leaving out a form equal to the raw body.
import { describe, expect, it } from 'vitest';
import { FALLBACK_MAX_BYTES, FALLBACK_MAX_DEPTH, reserialisedBodies } from '../../../lambda/receiver-kit/reserialised-body.js';

describe('reserialisedBodies', () => {
  it("gives Python's json.dumps form, then the compact form", () => {
    expect(reserialisedBodies('{ "a":1,"b" : [true, null, "x"] }')).toEqual([
      '{"a": 1, "b": [true, null, "x"]}',
      '{"a":1,"b":[true,null,"x"]}',
    ]);
  });

  it('leaves out a form equal to the raw body', () => {
    expect(reserialisedBodies('{"a": 1}')).toEqual(['{"a":1}']);
    expect(reserialisedBodies('{"a":1}')).toEqual(['{"a": 1}']);
  });

  it('escapes everything outside printable ASCII in the Python form, as ensure_ascii does, in keys too', () => {
    expect(reserialisedBodies('{"näme":"café ✓","del":"\u007f"}')[0]).toBe('{"n\\u00e4me": "caf\\u00e9 \\u2713", "del": "\\u007f"}');
  });

  it('reads a body given as bytes', () => {
    expect(reserialisedBodies(new TextEncoder().encode('[1, 2]'))).toEqual(['[1,2]']);
  });

  it.each(['', 'not json', '{"a":'])('gives nothing for %j, which is not JSON', (body) => {
    expect(reserialisedBodies(body)).toEqual([]);
  });
});

describe('reserialisedBodies: its bounds', () => {
  it('gives nothing for a body repeating a key, even spelled with an escape', () => {
    expect(reserialisedBodies('{"a":1,"a":2}')).toEqual([]);
    expect(reserialisedBodies('{"a":1,"\\u0061":2}')).toEqual([]);
    expect(reserialisedBodies('{"a":{"b":1},"c":{"b":2}}')).not.toEqual([]);
  });

  it('gives nothing for a body nested deeper than FALLBACK_MAX_DEPTH, nor over FALLBACK_MAX_BYTES', () => {
    expect(reserialisedBodies(`${'[ '.repeat(FALLBACK_MAX_DEPTH)}${']'.repeat(FALLBACK_MAX_DEPTH)}`)).not.toEqual([]);
    expect(reserialisedBodies(`${'[ '.repeat(FALLBACK_MAX_DEPTH + 1)}${']'.repeat(FALLBACK_MAX_DEPTH + 1)}`)).toEqual([]);
    expect(reserialisedBodies(`[ "${'x'.repeat(FALLBACK_MAX_BYTES)}"]`)).toEqual([]);
  });

  it('gives nothing, and does not throw, for a body nested 5,000 deep', () => {
    expect(reserialisedBodies(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toEqual([]);
  });

  it('gives nothing for bytes that are not UTF-8', () => {
    expect(reserialisedBodies(Uint8Array.from([0x5b, 0x22, 0xff, 0x22, 0x5d]))).toEqual([]);
  });
});
