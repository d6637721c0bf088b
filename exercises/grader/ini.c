/* ini.c — parse the manifest dialect described in ini.h. */
#define _GNU_SOURCE
#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    return s;
}

static int add_entry(al_ini *ini, const char *section, const char *name, const char *key,
                     const char *value, int line) {
    al_ini_entry *grown = realloc(ini->entries, (ini->count + 1) * sizeof *grown);
    if (!grown) return -ENOMEM;
    ini->entries = grown;
    al_ini_entry *e = &ini->entries[ini->count];
    e->section = strdup(section);
    e->name = strdup(name);
    e->key = strdup(key);
    e->value = strdup(value);
    e->line = line;
    ini->count++;
    if (!e->section || !e->name || !e->key || !e->value) return -ENOMEM;
    return 0;
}

static int add_section(al_ini *ini, const char *section, const char *name, int line) {
    char **grown = realloc(ini->sections, (ini->nsections + 1) * sizeof *grown);
    if (!grown) return -ENOMEM;
    ini->sections = grown;
    int *lines = realloc(ini->section_lines, (ini->nsections + 1) * sizeof *lines);
    if (!lines) return -ENOMEM;
    ini->section_lines = lines;
    size_t n = strlen(section) + strlen(name) + 2;
    char *s = malloc(n);
    if (!s) return -ENOMEM;
    snprintf(s, n, "%s%s%s", section, *name ? " " : "", name);
    ini->sections[ini->nsections] = s;
    ini->section_lines[ini->nsections] = line;
    ini->nsections++;
    return 0;
}

int al_ini_parse(const char *path, al_ini *ini, char *err, size_t errlen) {
    memset(ini, 0, sizeof *ini);
    FILE *f = fopen(path, "re");
    if (!f) {
        int e = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return e;
    }
    char section[64] = "", name[128] = "";
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';') continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close || close[1]) {
                snprintf(err, errlen, "%s:%d: a section header is [section] or [section name]",
                         path, lineno);
                rc = -EINVAL;
                break;
            }
            *close = 0;
            char *inner = trim(s + 1);
            char *space = inner + strcspn(inner, " \t");
            char *rest = *space ? trim(space + 1) : space;
            *space = 0;
            if (!*inner || strlen(inner) >= sizeof section || strlen(rest) >= sizeof name ||
                strpbrk(rest, " \t")) {
                snprintf(err, errlen, "%s:%d: a section header is [section] or [section name]",
                         path, lineno);
                rc = -EINVAL;
                break;
            }
            snprintf(section, sizeof section, "%s", inner);
            snprintf(name, sizeof name, "%s", rest);
            if ((rc = add_section(ini, section, name, lineno)) < 0) break;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected \"key = value\", got \"%.60s\"", path, lineno, s);
            rc = -EINVAL;
            break;
        }
        if (!section[0]) {
            snprintf(err, errlen, "%s:%d: \"%.40s\" comes before any [section]", path, lineno, s);
            rc = -EINVAL;
            break;
        }
        *eq = 0;
        char *key = trim(s), *value = trim(eq + 1);
        if (!*key) {
            snprintf(err, errlen, "%s:%d: a key is missing before '='", path, lineno);
            rc = -EINVAL;
            break;
        }
        if ((rc = add_entry(ini, section, name, key, value, lineno)) < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            break;
        }
    }
    free(line);
    fclose(f);
    if (rc < 0) al_ini_free(ini);
    return rc;
}

void al_ini_free(al_ini *ini) {
    for (size_t i = 0; i < ini->count; i++) {
        free(ini->entries[i].section);
        free(ini->entries[i].name);
        free(ini->entries[i].key);
        free(ini->entries[i].value);
    }
    for (size_t i = 0; i < ini->nsections; i++) free(ini->sections[i]);
    free(ini->entries);
    free(ini->sections);
    free(ini->section_lines);
    memset(ini, 0, sizeof *ini);
}
