#include <zlib.h>
// deflateInit2 is a macro, which Swift cannot call: a raw deflate stream (no zlib header or trailer), for
// compressing one piece of a stream that is assembled from several (see LooseObject.swift).
static inline int perfjournal_deflate_init_raw(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}
