#include <mbedtls/version.h>
#include <mbedtls/sha1.h>
// SHA-1 of `header` followed by `data`: a git object id. mbedTLS 3 renamed the *_ret functions.
static inline int perfjournal_sha1(const unsigned char *header, size_t header_length, const unsigned char *data,
                                   size_t length, unsigned char output[20]) {
    mbedtls_sha1_context context;
    mbedtls_sha1_init(&context);
#if MBEDTLS_VERSION_MAJOR >= 3
    int code = mbedtls_sha1_starts(&context);
    if (code == 0) code = mbedtls_sha1_update(&context, header, header_length);
    if (code == 0) code = mbedtls_sha1_update(&context, data, length);
    if (code == 0) code = mbedtls_sha1_finish(&context, output);
#else
    int code = mbedtls_sha1_starts_ret(&context);
    if (code == 0) code = mbedtls_sha1_update_ret(&context, header, header_length);
    if (code == 0) code = mbedtls_sha1_update_ret(&context, data, length);
    if (code == 0) code = mbedtls_sha1_finish_ret(&context, output);
#endif
    mbedtls_sha1_free(&context);
    return code;
}
