package io.pipekit.pipes.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Placement rules of docs/aws-behaviour.md §1.6 and §2.4, and the JSONPath subset. */
class TemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void valuePositionPlaceholdersBecomeJsonValues() throws Exception {
        JsonNode event = JSON.readTree("{\"detail\":{\"instance-id\":\"i-0123456789\",\"n\":5,\"tags\":[\"a\",\"b\"]}}");
        // the documentation example: strings get quotes, objects stay raw
        String rendered = Template.parse("{\"instance\": <$.detail.instance-id>, \"pipeArn\": <aws.pipes.pipe-arn>, \"originalEvent\": <aws.pipes.event.json>, \"n\": <$.detail.n>, \"tags\": <$.detail.tags>}")
                .render(name -> switch (name) {
                    case "aws.pipes.pipe-arn" -> Optional.of(TextNode.valueOf("arn:aws:pipes:us-east-1:0:pipe/p"));
                    case "aws.pipes.event.json" -> Optional.of(event);
                    default -> JsonPath.parse(name).read(event);
                });
        assertThat(JSON.readTree(rendered)).isEqualTo(JSON.readTree(
                "{\"instance\":\"i-0123456789\",\"pipeArn\":\"arn:aws:pipes:us-east-1:0:pipe/p\",\"originalEvent\":" + event + ",\"n\":5,\"tags\":[\"a\",\"b\"]}"));
    }

    @Test
    void placeholdersInsideStringsAndPlainTemplatesAreInterpolatedAsText() throws Exception {
        JsonNode event = JSON.readTree("{\"id\":\"42\",\"quote\":\"say \\\"hi\\\"\"}");
        assertThat(Template.parse("{\"text\":\"order <$.id> says <$.quote>\"}").render(name -> JsonPath.parse(name).read(event)))
                .isEqualTo("{\"text\":\"order 42 says say \\\"hi\\\"\"}");
        assertThat(Template.parse("Order <$.id> created").render(name -> JsonPath.parse(name).read(event))).isEqualTo("Order 42 created");
    }

    @Test
    void absentValuesRenderNullInValuePositionAndNothingInText() {
        JsonNode empty = JSON.createObjectNode();
        assertThat(Template.parse("{\"old\":<$.dynamodb.OldImage>,\"s\":\"x<$.missing>y\"}").render(name -> JsonPath.parse(name).read(empty)))
                .isEqualTo("{\"old\":null,\"s\":\"xy\"}");
    }

    @Test
    void jsonPathSupportsIndicesWildcardsAndDashes() throws Exception {
        JsonNode node = JSON.readTree("{\"detail-type\":\"T\",\"items\":[{\"sku\":\"a\"},{\"sku\":\"b\"}]}");
        assertThat(JsonPath.parse("$.detail-type").read(node)).contains(TextNode.valueOf("T"));
        assertThat(JsonPath.parse("$.items[1].sku").read(node)).contains(TextNode.valueOf("b"));
        assertThat(JsonPath.parse("$.items[*].sku").read(node)).contains(JSON.readTree("[\"a\",\"b\"]"));
        assertThat(JsonPath.parse("$.nope").read(node)).isEmpty();
        assertThat(JsonPath.parse("$").read(node)).contains(node);
        assertThatThrownBy(() -> JsonPath.parse("detail")).isInstanceOf(IllegalArgumentException.class);
        assertThat(JsonPath.isPath("$.partitionKey")).isTrue();
        assertThat(JsonPath.isPath("static-group")).isFalse();
    }

    @Test
    void variablesAreListedInOrder() {
        assertThat(Template.parse("{\"a\":<$.x>,\"b\":\"<aws.pipes.pipe-name>\"} a < b").variables()).containsExactly("$.x", "aws.pipes.pipe-name");
    }

    @Test
    void anObjectInsideAQuotedStringLosesItsQuotesAsOnAws() throws Exception {
        JsonNode record = JSON.readTree("{\"data\":{\"key\":\"value\",\"n\":[1,\"two\"]}}");
        // docs/aws-behaviour.md §1.6 / §2.4: no repair into an escaped JSON string
        for (Template.Dialect dialect : Template.Dialect.values()) {
            assertThat(Template.parse("{\"payload\":\"<$.data>\"}", dialect).render(name -> JsonPath.parse(name).read(record)))
                    .isEqualTo("{\"payload\":\"{key:value,n:[1,two]}\"}");
        }
    }

    @Test
    void ruleTemplatesDoNotEscapeTextRenderMissingVariablesAsNothingAndAreMinified() throws Exception {
        JsonNode event = JSON.readTree("{\"q\":\"he said \\\"hi\\\"\",\"n\":1}");
        // docs/aws-behaviour.md §2.4: values extracted by InputPath are not escaped: the result is not JSON, as on AWS
        assertThat(Template.parse("{\"text\":\"say <$.q>\"}", Template.Dialect.RULE).render(name -> JsonPath.parse(name).read(event)))
                .isEqualTo("{\"text\":\"say he said \"hi\"\"}");
        // a variable whose path is missing does not appear in the output
        assertThat(Template.parse("{\"a\":<$.missing>,\"b\":\"x<$.missing>y\"}", Template.Dialect.RULE).render(name -> JsonPath.parse(name).read(event)))
                .isEqualTo("{\"a\":,\"b\":\"xy\"}");
        // the JSON passed to the target is minified
        assertThat(Template.parse("{\n  \"n\" : <$.n>,\n  \"s\" : \"a  b\"\n}", Template.Dialect.RULE).render(name -> JsonPath.parse(name).read(event)))
                .isEqualTo("{\"n\":1,\"s\":\"a  b\"}");
        assertThat(Template.parse("{ \"price\" : 12345678901234567890.50 }", Template.Dialect.RULE).render(name -> Optional.empty()))
                .as("minifying leaves numbers as written").isEqualTo("{\"price\":12345678901234567890.50}");
        assertThat(Template.parse("Order <$.n> is  here", Template.Dialect.RULE).render(name -> JsonPath.parse(name).read(event)))
                .isEqualTo("Order 1 is  here");
    }
}
