/*
 * names.c — the rule for user and key names (see names.h).
 */
#include "core/names.h"

#include <string.h>

static bool name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == '@';
}

bool name_is_valid(const char *name)
{
    if (!name)
        return false;
    size_t n = strlen(name);
    if (n == 0 || n > NAME_MAX_LENGTH)
        return false;
    char first = name[0];
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') ||
          (first >= '0' && first <= '9')))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char_ok(name[i]))
            return false;
    return true;
}

const char *name_rule_text(void)
{
    return "a name has 1 to 64 characters: letters, digits and . _ - @, "
           "starting with a letter or digit";
}
