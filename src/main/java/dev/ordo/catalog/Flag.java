package dev.ordo.catalog;

import java.util.List;

/** The seed's yes/no and enabled/disabled flags: 0 means yes or enabled, 1 means no or disabled. */
public final class Flag {

    public static final int YES = 0;
    public static final int NO = 1;

    private Flag() {}

    public static boolean yes(int flag) {
        return flag == YES;
    }

    static void check(String field, int value, List<String> problems) {
        if (value != YES && value != NO) {
            problems.add(field + " must be 0 (yes/enabled) or 1 (no/disabled)");
        }
    }
}
