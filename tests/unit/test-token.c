#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <qrencode.h>

#include "curbside-core.h"
#include "curb-token-private.h"
#include "curb-test-helpers.h"

#define STORE     "store-001"
#define ORDER     "A7K3Q9"
#define SECRET_REF "ZQX-SECRET-7781"
#define NOW       1795790401   /* 2026-11-27T14:40:01Z */
#define EXPIRES   (NOW + 7 * 24 * 3600)

typedef struct
{
  CurbSigningKey *key;
  CurbKeyring    *keyring;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->key = curb_signing_key_generate ("c1", &error);
  g_assert_no_error (error);
  f->keyring = curb_keyring_new ();
  curb_keyring_add (f->keyring, "c1", curb_signing_key_get_public_key (f->key), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->key);
  g_assert_finalize_object (f->keyring);
}

static char *
sign (CurbSigningKey *key,
      const char     *store,
      const char     *order,
      gint64          expires)
{
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (store, order, expires);
  g_autoptr(GError) error = NULL;
  char *token = curb_token_sign (key, claims, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

/* Asserts a rejection with @code whose message names no order data. */
static void
assert_rejected (CurbKeyring *keyring,
                 const char  *token,
                 const char  *store,
                 gint64       now,
                 int          code)
{
  g_autoptr(CurbTokenClaims) claims = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (curb_token_verify (keyring, token, store, now, &claims, &error));
  g_assert_error (error, CURB_ERROR, code);
  g_assert_null (claims);
  g_assert_null (strstr (error->message, SECRET_REF));
  g_assert_null (strstr (error->message, ORDER));
  g_assert_null (strstr (error->message, "SECRET"));
}

static char *
reencode (const guint8 *binary,
          gsize         length)
{
  return curb_base41_encode (binary, length);
}

static gsize
decode_binary (const char *token,
               guint8     *out)
{
  gsize length = 0;

  g_assert_true (curb_base41_decode (token, strlen (token), out, &length));
  return length;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (STORE, ORDER, EXPIRES);
  g_autoptr(CurbTokenClaims) verified = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = curb_token_sign (f->key, claims, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (strspn (token, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.:+/"), ==, strlen (token));
  g_assert_true (curb_token_verify (f->keyring, token, STORE, NOW, &verified, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (verified->key_id, ==, "c1");
  g_assert_cmpstr (verified->store_id, ==, STORE);
  g_assert_cmpstr (verified->order_ref, ==, ORDER);
  g_assert_cmpint (verified->expires_s, ==, EXPIRES);
  g_assert_cmpmem (verified->nonce, CURB_TOKEN_NONCE_LEN, claims->nonce, CURB_TOKEN_NONCE_LEN);
}

static void
test_nonce_makes_tokens_unique (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *a = sign (f->key, STORE, ORDER, EXPIRES);
  g_autofree char *b = sign (f->key, STORE, ORDER, EXPIRES);

  g_assert_cmpstr (a, !=, b);
}

static int
qr_version (const char *text)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  int version;

  g_assert_nonnull (code);
  version = code->version;
  QRcode_free (code);
  return version;
}

/* A typical token: key "c1", store "store-001", order "A7K3Q9". */
static void
test_size_and_qr_version (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *typical = sign (f->key, STORE, ORDER, EXPIRES);
  g_autofree char *longest = NULL;
  g_autoptr(CurbSigningKey) long_key = curb_signing_key_generate ("central-2026-q4a", NULL);
  g_autofree char *store = g_strnfill (32, 's');
  g_autofree char *order = g_strnfill (32, 'Q');

  longest = sign (long_key, store, order, EXPIRES);
  g_test_message ("typical token: 93 bytes, %zu characters, QR version %d-M",
                  strlen (typical), qr_version (typical));
  g_test_message ("longest token: %zu characters, QR version %d-M",
                  strlen (longest), qr_version (longest));
  g_assert_cmpuint (strlen (typical), ==, 140);
  g_assert_cmpint (qr_version (typical), <=, 7);
  g_assert_cmpuint (strlen (longest), <=, CURB_TOKEN_MAX_TEXT_LEN);
  g_assert_cmpint (qr_version (longest), <=, 9);
}

static void
test_surrounding_whitespace_accepted (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *token = sign (f->key, STORE, ORDER, EXPIRES);
  g_autofree char *scanned = g_strdup_printf ("  %s\r\n", token);

  g_assert_true (curb_token_verify (f->keyring, scanned, STORE, NOW, NULL, NULL));
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *token = sign (f->key, STORE, SECRET_REF, EXPIRES);
  g_autofree char *too_long = g_strnfill (CURB_TOKEN_MAX_TEXT_LEN + 1, 'A');
  g_autofree char *huge = g_strnfill (1 << 20, '0');
  g_autofree char *lower = g_ascii_strdown (token, -1);
  g_autofree char *starred = g_strdup (token);
  g_autofree char *spaced = g_strdup (token);
  g_autofree char *truncated = g_strndup (token, strlen (token) - 3);
  g_autofree char *one_short = g_strndup (token, strlen (token) - 1);
  g_autofree char *utf8 = g_strconcat (token, "é", NULL);
  const char *cases[] = { "", "   ", "A", "ABC", "00000", "ZZZ", "\xff\xfe\xfd", too_long, huge, lower,
                          starred, spaced, truncated, one_short, utf8 };

  starred[10] = '*';
  spaced[20] = ' ';
  assert_rejected (f->keyring, NULL, STORE, NOW, CURB_ERROR_TOKEN_MALFORMED);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_rejected (f->keyring, cases[i], STORE, NOW, CURB_ERROR_TOKEN_MALFORMED);
}

static void
test_malformed_structure (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *token = sign (f->key, STORE, SECRET_REF, EXPIRES);
  guint8 binary[256];
  gsize length = decode_binary (token, binary);
  g_autofree char *wrong_version = NULL;
  g_autofree char *trailing = NULL;
  g_autofree char *non_canonical = NULL;

  binary[0] = 2;
  wrong_version = reencode (binary, length);
  binary[0] = CURB_TOKEN_VERSION;
  binary[length] = 0;
  trailing = reencode (binary, length + 1);
  non_canonical = g_strconcat ("///", token + 3, NULL);   /* 41^3 - 1 > 65535 */
  assert_rejected (f->keyring, wrong_version, STORE, NOW, CURB_ERROR_TOKEN_MALFORMED);
  assert_rejected (f->keyring, trailing, STORE, NOW, CURB_ERROR_TOKEN_MALFORMED);
  assert_rejected (f->keyring, non_canonical, STORE, NOW, CURB_ERROR_TOKEN_MALFORMED);
}

/* Every single bit flip anywhere is refused; in the parts without a syntax
 * of their own (expiry, nonce, signature) always as a bad signature. */
static void
test_every_bit_flip_rejected (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *token = sign (f->key, STORE, SECRET_REF, EXPIRES);
  guint8 binary[256];
  gsize length = decode_binary (token, binary);
  gsize opaque_start = length - CURB_TOKEN_SIGNATURE_LEN - CURB_TOKEN_NONCE_LEN - 4;

  for (gsize bit = 0; bit < length * 8; bit++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *tampered = NULL;

      binary[bit / 8] ^= 1 << (bit % 8);
      tampered = reencode (binary, length);
      binary[bit / 8] ^= 1 << (bit % 8);
      g_assert_false (curb_token_verify (f->keyring, tampered, STORE, NOW, NULL, &error));
      if (bit / 8 >= opaque_start)
        g_assert_error (error, CURB_ERROR, CURB_ERROR_TOKEN_BAD_SIGNATURE);
      else
        g_assert_true (error->code == CURB_ERROR_TOKEN_MALFORMED
                       || error->code == CURB_ERROR_TOKEN_UNKNOWN_KEY
                       || error->code == CURB_ERROR_TOKEN_BAD_SIGNATURE);
      g_assert_null (strstr (error->message, SECRET_REF));
    }
}

static void
test_same_key_id_other_key (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CurbSigningKey) impostor = curb_signing_key_generate ("c1", NULL);
  g_autofree char *token = sign (impostor, STORE, SECRET_REF, EXPIRES);

  assert_rejected (f->keyring, token, STORE, NOW, CURB_ERROR_TOKEN_BAD_SIGNATURE);
}

static void
test_unknown_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CurbSigningKey) other = curb_signing_key_generate ("c9", NULL);
  g_autofree char *token = sign (other, STORE, SECRET_REF, EXPIRES);

  assert_rejected (f->keyring, token, STORE, NOW, CURB_ERROR_TOKEN_UNKNOWN_KEY);
}

static void
test_expired_with_skew (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *token = sign (f->key, STORE, SECRET_REF, NOW);

  g_assert_true (curb_token_verify (f->keyring, token, STORE, NOW, NULL, NULL));
  g_assert_true (curb_token_verify (f->keyring, token, STORE, NOW + CURB_TOKEN_CLOCK_SKEW_S, NULL, NULL));
  assert_rejected (f->keyring, token, STORE, NOW + CURB_TOKEN_CLOCK_SKEW_S + 1, CURB_ERROR_TOKEN_EXPIRED);
}

static void
test_other_store (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *token = sign (f->key, STORE, SECRET_REF, EXPIRES);

  assert_rejected (f->keyring, token, "store-002", NOW, CURB_ERROR_TOKEN_OTHER_STORE);
}

/* A forged token for another store, long expired, says only "bad signature". */
static void
test_signature_checked_first (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *token = sign (f->key, "store-999", SECRET_REF, 1000);
  guint8 binary[256];
  gsize length = decode_binary (token, binary);
  g_autofree char *forged = NULL;

  binary[length - 1] ^= 0x01;
  forged = reencode (binary, length);
  assert_rejected (f->keyring, token, STORE, NOW, CURB_ERROR_TOKEN_OTHER_STORE);
  assert_rejected (f->keyring, forged, STORE, NOW, CURB_ERROR_TOKEN_BAD_SIGNATURE);
}

static void
test_sign_refuses_bad_claims (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *long_store = g_strnfill (33, 's');
  struct { const char *store, *order; gint64 expires; } cases[] = {
    { STORE, "a7k3q9", EXPIRES }, { STORE, "", EXPIRES }, { STORE, "A B", EXPIRES },
    { long_store, ORDER, EXPIRES }, { "store/1", ORDER, EXPIRES }, { STORE, ORDER, 0 },
    { STORE, ORDER, (gint64) G_MAXUINT32 + 1 }, { NULL, ORDER, EXPIRES },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (cases[i].store, cases[i].order,
                                                                 cases[i].expires);
      g_autoptr(GError) error = NULL;
      g_autofree char *token = curb_token_sign (f->key, claims, &error);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
      g_assert_null (token);
    }
}

static void
test_keyring_rotation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CurbSigningKey) next = curb_signing_key_generate ("c2", NULL);
  g_autofree char *old_token = sign (f->key, STORE, ORDER, EXPIRES);
  g_autofree char *new_token = sign (next, STORE, ORDER, EXPIRES);
  g_autofree char *line = curb_signing_key_to_public_line (next);
  g_autoptr(GError) error = NULL;

  curb_keyring_load_data (f->keyring, line, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (curb_keyring_get_n_keys (f->keyring), ==, 2);
  g_assert_true (curb_token_verify (f->keyring, old_token, STORE, NOW, NULL, NULL));
  g_assert_true (curb_token_verify (f->keyring, new_token, STORE, NOW, NULL, NULL));
  g_assert_true (curb_keyring_remove (f->keyring, "c1"));
  assert_rejected (f->keyring, old_token, STORE, NOW, CURB_ERROR_TOKEN_UNKNOWN_KEY);
  g_assert_true (curb_token_verify (f->keyring, new_token, STORE, NOW, NULL, NULL));
}

static void
test_keyring_file_round_trip (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "keyring", NULL);
  g_autoptr(CurbSigningKey) next = curb_signing_key_generate ("h1", NULL);
  g_autoptr(CurbKeyring) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  curb_keyring_add (f->keyring, "h1", curb_signing_key_get_public_key (next), &error);
  g_assert_no_error (error);
  curb_keyring_save (f->keyring, path, &error);
  g_assert_no_error (error);
  loaded = curb_keyring_load (path, &error);
  g_assert_no_error (error);
  ids = curb_keyring_list_key_ids (loaded);
  g_assert_cmpstrv (ids, ((const char *[]) { "c1", "h1", NULL }));
  g_assert_cmpmem (curb_keyring_lookup (loaded, "h1"), 32, curb_signing_key_get_public_key (next), 32);
  curb_test_rmdir (dir);
}

static void
test_keyring_text_errors (void)
{
  struct { const char *text; const char *message; } cases[] = {
    { "# c\nc1\n", "line 2: " },
    { "c1 AAAA\n", "line 1: " },
    { "\n\nbad/kid AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "line 3: " },
    { "c1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= extra\n", "line 1: " },
    { "c1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nc1 AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "line 2: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
      g_autoptr(GError) error = NULL;
      g_assert_false (curb_keyring_load_data (keyring, cases[i].text, -1, &error));
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
      g_assert_cmpuint (curb_keyring_get_n_keys (keyring), ==, 0);
    }
}

static void
test_keyring_conflict (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CurbSigningKey) impostor = curb_signing_key_generate ("c1", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_keyring_add (f->keyring, "c1", curb_signing_key_get_public_key (f->key), NULL));
  g_assert_false (curb_keyring_add (f->keyring, "c1", curb_signing_key_get_public_key (impostor), &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFLICT);
}

static void
test_secret_key_file (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "c1.secret", NULL);
  g_autoptr(CurbSigningKey) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  GStatBuf st;

  curb_signing_key_save (f->key, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  loaded = curb_signing_key_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (curb_signing_key_get_key_id (loaded), ==, "c1");
  token = sign (loaded, STORE, ORDER, EXPIRES);
  g_assert_true (curb_token_verify (f->keyring, token, STORE, NOW, NULL, NULL));
  curb_test_rmdir (dir);
}

static void
test_secret_key_damaged (Fixture       *f,
                         gconstpointer  data)
{
  const char *cases[] = {
    "", "hello", "curbside-secret-key-v1 c1", "curbside-secret-key-v1 c1 AAAA",
    "curbside-secret-key-v1 c1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbSigningKey) key = curb_signing_key_load_data (cases[i], -1, &error);
      g_assert_null (key);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
    }
}

static void
test_random_input_never_accepted (Fixture       *f,
                                  gconstpointer  data)
{
  static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.:+/";
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < 3000; i++)
    {
      guint length = g_rand_int_range (rand, 0, 260);
      g_autofree char *text = g_malloc (length + 1);
      g_autoptr(GError) error = NULL;
      for (guint j = 0; j < length; j++)
        text[j] = alphabet[g_rand_int_range (rand, 0, 41)];
      text[length] = '\0';
      g_assert_false (curb_token_verify (f->keyring, text, STORE, NOW, NULL, &error));
      g_assert_true (error->code == CURB_ERROR_TOKEN_MALFORMED || error->code == CURB_ERROR_TOKEN_UNKNOWN_KEY);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/token/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("round-trip", test_round_trip);
  ADD ("nonce-unique", test_nonce_makes_tokens_unique);
  ADD ("size-and-qr-version", test_size_and_qr_version);
  ADD ("whitespace", test_surrounding_whitespace_accepted);
  ADD ("malformed/text", test_malformed);
  ADD ("malformed/structure", test_malformed_structure);
  ADD ("bad-signature/every-bit", test_every_bit_flip_rejected);
  ADD ("bad-signature/same-key-id", test_same_key_id_other_key);
  ADD ("bad-signature/checked-first", test_signature_checked_first);
  ADD ("unknown-key", test_unknown_key);
  ADD ("expired", test_expired_with_skew);
  ADD ("other-store", test_other_store);
  ADD ("sign-refuses-bad-claims", test_sign_refuses_bad_claims);
  ADD ("random-input", test_random_input_never_accepted);
  ADD ("keyring/rotation", test_keyring_rotation);
  ADD ("keyring/file", test_keyring_file_round_trip);
  ADD ("keyring/conflict", test_keyring_conflict);
  ADD ("secret-key/file", test_secret_key_file);
  ADD ("secret-key/damaged", test_secret_key_damaged);
#undef ADD
  g_test_add_func ("/token/keyring/text-errors", test_keyring_text_errors);
  return g_test_run ();
}
