/*
 * Curbside pickup tokens, byte for byte as core/curb-token.c makes them
 * (docs/tokens.md): version 1, Ed25519 over "curbside/token" || body,
 * base41 text (QR alphanumeric characters only).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign, verify } from 'crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'fs';

const VERSION = 1;
const SIGNING_CONTEXT = Buffer.from('curbside/token', 'ascii');
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.:+/';
const KEY_FILE_MAGIC = 'curbside-secret-key-v1';
/* PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const KEY_ID_RE = /^[A-Za-z0-9._-]{1,16}$/;
const STORE_ID_RE = /^[A-Za-z0-9._-]{1,32}$/;
const ORDER_REF_RE = /^[A-Z0-9-]{1,32}$/;

export interface PickupTokenKey {
    keyId: string;
    privateKey: KeyObject;
    publicKey: KeyObject;
    /** Raw 32-byte Ed25519 public key, base64 (a keyring line's second field). */
    publicKeyBase64: string;
}

export function base41Encode(data: Uint8Array): string {
    let out = '';
    for (let i = 0; i + 1 < data.length; i += 2) {
        const n = data[i] * 256 + data[i + 1];
        out += ALPHABET[n % 41] + ALPHABET[Math.floor(n / 41) % 41] + ALPHABET[Math.floor(n / 1681)];
    }
    if (data.length % 2 === 1) {
        const n = data[data.length - 1];
        out += ALPHABET[n % 41] + ALPHABET[Math.floor(n / 41)];
    }
    return out;
}

function field(text: string): Buffer {
    const bytes = Buffer.from(text, 'ascii');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

export function signPickupToken(key: PickupTokenKey, storeId: string, orderRef: string, expiresS: number,
                                nonce: Buffer = randomBytes(4)): string {
    if (!STORE_ID_RE.test(storeId)) throw new Error('store id must be 1 to 32 of A-Z a-z 0-9 . _ -');
    if (!ORDER_REF_RE.test(orderRef)) throw new Error('order reference must be 1 to 32 of A-Z 0-9 -');
    if (!Number.isInteger(expiresS) || expiresS < 1 || expiresS > 0xffffffff) throw new Error('bad expiry');
    if (nonce.length !== 4) throw new Error('nonce must be 4 bytes');
    const expiry = Buffer.alloc(4);
    expiry.writeUInt32BE(expiresS);
    const body = Buffer.concat([Buffer.from([VERSION]), field(key.keyId), field(storeId), field(orderRef), expiry, nonce]);
    const signature = sign(null, Buffer.concat([SIGNING_CONTEXT, body]), key.privateKey);
    return base41Encode(Buffer.concat([body, signature]));
}

function keyFromSeed(keyId: string, seed: Buffer): PickupTokenKey {
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey);
    const spki = publicKey.export({ format: 'der', type: 'spki' }) as Buffer;
    return { keyId, privateKey, publicKey, publicKeyBase64: spki.subarray(spki.length - 32).toString('base64') };
}

/** Reads a `curbside-ctl keygen` secret key file: "curbside-secret-key-v1 KID BASE64(seed || public key)". */
export function loadPickupTokenKey(path: string): PickupTokenKey {
    const parts = readFileSync(path, 'utf8').trim().split(/\s+/);
    const secret = parts.length === 3 ? Buffer.from(parts[2], 'base64') : Buffer.alloc(0);
    if (parts[0] !== KEY_FILE_MAGIC || !KEY_ID_RE.test(parts[1]) || secret.length !== 64) {
        throw new Error(`${path} is not a Curbside secret key file`);
    }
    const key = keyFromSeed(parts[1], secret.subarray(0, 32));
    if (key.publicKeyBase64 !== secret.subarray(32).toString('base64')) {
        throw new Error(`${path}: the public half does not match the secret key`);
    }
    return key;
}

/** Loads the key file, creating a new key (mode 0600) when there is none. */
export function loadOrCreatePickupTokenKey(path: string, keyId: string): PickupTokenKey {
    if (!existsSync(path)) {
        if (!KEY_ID_RE.test(keyId)) throw new Error('key id must be 1 to 16 of A-Z a-z 0-9 . _ -');
        const { privateKey } = generateKeyPairSync('ed25519');
        const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer;
        const key = keyFromSeed(keyId, pkcs8.subarray(pkcs8.length - 32));
        const secret = Buffer.concat([pkcs8.subarray(pkcs8.length - 32), Buffer.from(key.publicKeyBase64, 'base64')]);
        writeFileSync(path, `${KEY_FILE_MAGIC} ${keyId} ${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
        chmodSync(path, 0o600);
    }
    return loadPickupTokenKey(path);
}

export function base41Decode(text: string): Buffer | undefined {
    if (text.length % 3 === 1) return undefined;
    const out: number[] = [];
    for (let i = 0; i < text.length; i += 3) {
        const chunk = text.slice(i, i + 3);
        let value = 0;
        for (let j = chunk.length - 1; j >= 0; j--) {
            const v = ALPHABET.indexOf(chunk[j]);
            if (v < 0) return undefined;
            value = value * 41 + v;
        }
        if (value > (chunk.length === 3 ? 0xffff : 0xff)) return undefined;
        if (chunk.length === 3) out.push(value >> 8);
        out.push(value & 0xff);
    }
    return Buffer.from(out);
}

export interface PickupTokenClaims {
    keyId: string;
    storeId: string;
    orderRef: string;
    expiresS: number;
}

export type PickupTokenError = 'token_malformed' | 'token_unknown_key' | 'token_bad_signature' | 'token_expired';

const CLOCK_SKEW_S = 300;

function parseBody(binary: Buffer): { claims: PickupTokenClaims; bodyLength: number } | undefined {
    let at = 0;
    const take = (n: number) => { const part = binary.subarray(at, at + n); at += n; return part.length === n ? part : undefined; };
    const text = () => { const len = take(1); return len ? take(len[0])?.toString('ascii') : undefined; };
    const version = take(1);
    const keyId = text(), storeId = text(), orderRef = text();
    const expiry = take(4), nonce = take(4);
    if (!version || version[0] !== VERSION || keyId === undefined || storeId === undefined || orderRef === undefined
        || !expiry || !nonce || !KEY_ID_RE.test(keyId) || !STORE_ID_RE.test(storeId) || !ORDER_REF_RE.test(orderRef)
        || binary.length !== at + 64) return undefined;
    return { claims: { keyId, storeId, orderRef, expiresS: expiry.readUInt32BE(0) }, bodyLength: at };
}

/**
 * Verifies a pickup token as core/curb-token.c does: key, then signature,
 * then expiry (300 s of clock skew), so a forger learns only "bad signature".
 * The store is the caller's check (it depends on the order).
 */
export function verifyPickupToken(key: PickupTokenKey, token: string, nowS: number):
        { claims?: PickupTokenClaims; error?: PickupTokenError } {
    const binary = typeof token === 'string' && token.length <= 240 ? base41Decode(token) : undefined;
    const parsed = binary ? parseBody(binary) : undefined;
    if (!binary || !parsed) return { error: 'token_malformed' };
    if (parsed.claims.keyId !== key.keyId) return { error: 'token_unknown_key' };
    const message = Buffer.concat([SIGNING_CONTEXT, binary.subarray(0, parsed.bodyLength)]);
    if (!verify(null, message, key.publicKey, binary.subarray(parsed.bodyLength))) return { error: 'token_bad_signature' };
    if (nowS > parsed.claims.expiresS + CLOCK_SKEW_S) return { error: 'token_expired' };
    return { claims: parsed.claims };
}
