package {{package}};

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** One event as {{name}} receives it. Add the fields your events carry; unknown fields are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record {{Class}}Event(String id, String type) {

{{constants}}

    /** From a DynamoDB item image (attribute name to plain value). */
    public static {{Class}}Event fromItem(Map<String, Object> item) {
        return new {{Class}}Event((String) item.get("id"), (String) item.get("type"));
    }
}
