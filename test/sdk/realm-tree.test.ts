/** Keys of call arguments for the SDK's memo caches (realm-tree.ts). */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { primitiveKey, primitivesKey } from '../../src/sdk/realm-tree.js';
import { SdkRealm } from '../../src/sdk/realm.js';

/** The key as first written: one part per property, joined. */
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

  test('is the reference key for objects of primitives, and tells them apart', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), primitive), fc.dictionary(fc.string(), primitive), (a, b) => {
        const keyA = primitivesKey(inRealm(a), realm);
        expect(keyA).toBe(referenceKey(a));
        if (keyA === primitivesKey(inRealm(b), realm)) expect(Object.entries(b)).toEqual(Object.entries(a));
      }),
    );
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
    expect(primitivesKey(inRealm({ range: true, loc: false }), realm)).toBe('{"range":btrue,"loc":bfalse}');
  });
});
