// The bundled network's ready image (a Reseau `Snapshot` image), compiled into the binary as
// raw bytes: read in place at start, with nothing to decode first. bundled_image.c is generated
// by BundledImageTests (`RESEAU_REGENERATE=1 swift test --filter BundledImageTests`).
#ifndef RESEAU_BUNDLED_IMAGE_H
#define RESEAU_BUNDLED_IMAGE_H
#include <stddef.h>

extern const unsigned char reseau_bundled_image[];
extern const size_t reseau_bundled_image_size;

/// The image's first byte (Swift imports an array of unknown size poorly).
static inline const unsigned char *reseau_bundled_image_ptr(void) { return reseau_bundled_image; }

#endif
