/** Keys of call arguments for the SDK's memo caches (realm-tree.ts). */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { primitiveKey, primitivesKey } from '../../src/sdk/realm-tree.js';
import { SdkRealm } from '../../src/sdk/realm.js';

/** The key as first written: one part per property, joined. Another encoding; what matters is what it tells apart. */
function referenceKey(object: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const key of Reflect.ownKeys(object)) {
    if (typeof key !== 'string') return undefined;
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key)!;
    if (!('value' in descriptor) || !descriptor.enumerable) return undefined;
    const part = primitiveKey(descriptor.value);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${part}`);
  }
  return `{${parts.join(',')}}`;
}

describe('primitivesKey', () => {
  const realm = new SdkRealm();
  const inRealm = (object: Record<string, unknown>): Record<string, unknown> => {
    const copy = realm.parseJson('{}') as Record<string, unknown>;
    for (const key of Reflect.ownKeys(object))
      Object.defineProperty(copy, key, Reflect.getOwnPropertyDescriptor(object, key)!);
    return copy;
  };
  const primitive = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));

  test('keys objects of primitives exactly when the reference does, and tells them apart as it does', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), primitive), fc.dictionary(fc.string(), primitive), (a, b) => {
        const keyA = primitivesKey(inRealm(a), realm);
        const keyB = primitivesKey(inRealm(b), realm);
        expect(keyA === undefined).toBe(referenceKey(a) === undefined);
        expect(keyA === keyB).toBe(referenceKey(a) === referenceKey(b));
        if (keyA === keyB) expect(Object.entries(b)).toEqual(Object.entries(a));
      }),
    );
  });

  test('strings that would run into each other as text stay apart', () => {
    const pairs: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ a: 's1:x', b: 'y' }, { a: 's1:xs1:y' }],
      [{ a: 'x,1:bs1:y' }, { a: 'x', b: 'y' }],
      [{ 'a,1:b': 'x' }, { a: 'x', b: 'x' }],
      [{ a: 'null' }, { a: null }],
      [{ a: '1' }, { a: 1 }],
    ];
    for (const [a, b] of pairs) expect(primitivesKey(inRealm(a), realm)).not.toBe(primitivesKey(inRealm(b), realm));
  });

  test('refuses what it cannot key: objects, accessors, hidden and symbol keys, other realms', () => {
    expect(primitivesKey(undefined, realm)).toBe('undefined');
    expect(primitivesKey(inRealm({ nested: {} }), realm)).toBeUndefined();
    expect(
      primitivesKey(
        inRealm({
          get range() {
            return true;
          },
        }),
        realm,
      ),
    ).toBeUndefined();
    const hidden = inRealm({});
    Object.defineProperty(hidden, 'range', { value: true, enumerable: false });
    expect(primitivesKey(hidden, realm)).toBeUndefined();
    expect(primitivesKey(inRealm({ [Symbol('s')]: 1 }), realm)).toBeUndefined();
    expect(primitivesKey({ range: true }, realm)).toBeUndefined();
    expect(primitivesKey(inRealm({ range: true, loc: false }), realm)).toBe('{5:rangebtrue,3:locbfalse}');
  });
});
