package io.pipekit.worker.sqsd;

/** What an HTTP/1.1 header may carry: visible Latin-1, spaces and tabs; no CR/LF (RFC 9110 §5.5). */
final class HeaderValues {

    private HeaderValues() {
    }

    static boolean isValid(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || (c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Header names are tokens; SQS attribute names (alphanumerics, {@code - _ .}) always are. */
    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
