/* SHA-256 (FIPS 180-4), written for orbscreen: the digest of each input file
 * goes into the reports so a result can be traced to the exact bytes it came
 * from. */
#ifndef OS_SHA256_H
#define OS_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t nbytes;      /* message length so far */
    unsigned char buf[64];
    size_t nbuf;          /* bytes waiting in buf */
} os_sha256;

void os_sha256_init(os_sha256 *s);
void os_sha256_update(os_sha256 *s, const void *data, size_t len);
/* The 32-byte digest; s must be initialized again before reuse. */
void os_sha256_final(os_sha256 *s, unsigned char out[32]);
/* Digest of a buffer as 64 lowercase hex digits and a NUL. */
void os_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
