package org.vnicteam.bridge.core.internal;

/** Closes a test's resources in the order given, skipping nulls; each is tried, the first failure is thrown. */
final class Cleanup {

    private Cleanup() {
    }

    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
