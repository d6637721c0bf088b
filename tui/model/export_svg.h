/* export_svg.h — the timeline as one self-contained SVG picture, for slides
 * and the README.
 *
 * Contract
 *   Picture    a title (program, backend, clock), a time axis in seconds
 *              with grid lines, one lane per task (and the loop's when it has
 *              something to show), one <rect> per span coloured by state —
 *              running tall and dark, ready and waiting lower and light,
 *              waiting spans labelled with their reason when there is room —
 *              a mark for each exit and each slow step, and a legend of the
 *              states that appear. Every rect carries a <title> (a tooltip in
 *              browsers). No scripts, no external fonts or images.
 *   Output     deterministic: same model and options, same bytes; well-formed
 *              XML (text escaped), UTF-8.
 *   Errors     0, -EINVAL for a bad width, -EIO when writing failed.
 */
#ifndef AL_EXPORT_SVG_H
#define AL_EXPORT_SVG_H

#include <stdio.h>

#include "model.h"

#define AL_SVG_DEFAULT_WIDTH 960

typedef struct al_svg_options {
    int width;          /* pixels, 320..8000; 0 = AL_SVG_DEFAULT_WIDTH */
} al_svg_options;

int al_export_svg(const al_model *m, const al_svg_options *opt, FILE *out);

#endif
