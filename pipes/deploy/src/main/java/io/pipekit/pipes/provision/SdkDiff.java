package io.pipekit.pipes.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * Compares what pipekit would send with what the service returns, field by field, looking only at
 * fields pipekit sets: AWS fills defaults into Describe responses (e.g. MaximumRetryAttempts -1), which
 * must not read as drift, or a second apply would never be a no-op.
 */
final class SdkDiff {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SdkDiff() {}

    /** Adds "path: actual -> desired" for each differing field that {@code desired} sets. */
    static void diff(String path, Object desired, Object actual, List<String> out) {
        if (unset(desired)) {
            return;
        }
        if (desired instanceof SdkPojo d) {
            if (!(actual instanceof SdkPojo a) || a.getClass() != d.getClass()) {
                out.add(path + ": " + show(actual) + " -> " + show(desired));
                return;
            }
            for (SdkField<?> f : d.sdkFields()) {
                diff(path.isEmpty() ? f.memberName() : path + "." + f.memberName(), f.getValueOrDefault(d), f.getValueOrDefault(a), out);
            }
        } else if (desired instanceof List<?> dl) {
            List<?> al = unset(actual) ? List.of() : (List<?>) actual;
            if (al.size() != dl.size()) {
                out.add(path + ": " + al.size() + " item(s) -> " + dl.size());
                return;
            }
            for (int i = 0; i < dl.size(); i++) {
                diff(path + "[" + i + "]", dl.get(i), al.get(i), out);
            }
        } else if (desired instanceof Map<?, ?> dm) {
            Map<?, ?> am = unset(actual) ? Map.of() : (Map<?, ?>) actual;
            if (!sameValue(dm, am)) {
                out.add(path + ": " + am + " -> " + dm);
            }
        } else if (!sameValue(desired, actual)) {
            out.add(path + ": " + show(actual) + " -> " + show(desired));
        }
    }

    private static boolean unset(Object v) {
        return v == null || v instanceof SdkAutoConstructList<?> || v instanceof SdkAutoConstructMap<?, ?>;
    }

    /** Equal, or equal as JSON documents (services may re-serialize patterns and templates). */
    static boolean sameValue(Object desired, Object actual) {
        if (Objects.equals(desired, actual)) {
            return true;
        }
        if (desired instanceof String ds && actual instanceof String as && ds.startsWith("{") && as.startsWith("{")) {
            return Objects.equals(tree(ds), tree(as));
        }
        if (desired instanceof Number dn && actual instanceof Number an) {
            return dn.longValue() == an.longValue();
        }
        return false;
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }

    private static String show(Object v) {
        return unset(v) ? "(unset)" : String.valueOf(v);
    }
}
