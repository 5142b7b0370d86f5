package org.passerelle.gateway.browser;

/** The name a browser shows in a room: 1 to 64 printable characters once trimmed. */
final class DisplayName {
    static final int MAX = 64;

    private DisplayName() {}

    /** The trimmed name, or null when it is empty, too long or holds unprintable characters. */
    static String check(String raw) {
        if (raw == null) return null;
        String name = raw.strip();
        int count = name.codePointCount(0, name.length());
        if (count < 1 || count > MAX) return null;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            switch (Character.getType(cp)) {
                case Character.CONTROL, Character.UNASSIGNED, Character.SURROGATE, Character.LINE_SEPARATOR,
                     Character.PARAGRAPH_SEPARATOR -> {
                    return null;
                }
                default -> { }
            }
            i += Character.charCount(cp);
        }
        return name;
    }
}
