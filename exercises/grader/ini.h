/* ini.h — the manifest format: a small INI dialect, strict about what it
 * accepts and precise about what it rejects.
 *
 *   # a comment (also ';'), on a line of its own
 *   [exercise]                 a section
 *   title = A blocking server  key = value; spaces around both are trimmed
 *   [test read_in_pieces]      a section with a name
 *   points = 2
 *
 * Every entry remembers its section, the section's name and its line, so
 * the loader can say "exercise.ini:14: points must be a number".
 *
 * Contract: al_ini_parse reads the whole file; on a syntax error it
 * returns -EINVAL and writes "FILE:LINE: what" into err. Strings are owned
 * by the al_ini and freed by al_ini_free.
 */
#ifndef AL_GRADER_INI_H
#define AL_GRADER_INI_H

#include <stddef.h>

typedef struct al_ini_entry {
    char *section;        /* "test" */
    char *name;           /* "read_in_pieces", "" when the section has none */
    char *key;
    char *value;
    int line;
} al_ini_entry;

typedef struct al_ini {
    al_ini_entry *entries;
    size_t count;
    char **sections;      /* "section name" of every header, in file order */
    int *section_lines;
    size_t nsections;
} al_ini;

int al_ini_parse(const char *path, al_ini *ini, char *err, size_t errlen);
void al_ini_free(al_ini *ini);

#endif
