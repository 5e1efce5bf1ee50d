package dev.ragd.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Azure AI Search's OData {@code $filter} language that ragd sends, read as Microsoft's
 * filter reference describes it: {@code field eq|ne|gt|lt 'literal'} (a doubled quote inside a
 * literal is a quote), {@code not}, {@code and} (binding tighter than) {@code or}, parentheses,
 * {@code true}/{@code false}, {@code search.in(x, 'a,b', ',')} (default delimiters space and comma)
 * and the collection lambdas {@code field/any(x: …)}, {@code field/all(x: …)} and
 * {@code field/any()}. Fields are checked against the index definition as the service checks them:
 * an unknown field, a field marked {@code filterable: false}, a comparison on a collection or a
 * lambda on a single value is refused with an {@link IllegalArgumentException} (the service's 400).
 */
public final class FakeODataFilter {

    /** A parsed filter, evaluated against one document with the lambda variables in scope. */
    private interface Node {
        boolean test(JsonObject doc, Map<String, Object> vars);
    }

    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(\\(|\\)|/|:|,|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)");
    private static final List<String> COMPARISONS = List.of("eq", "ne", "gt", "lt");

    private final List<String> tokens = new ArrayList<>();
    private final Map<String, JsonObject> fields = new HashMap<>();
    private final List<String> scope = new ArrayList<>();
    private final String text;
    private int at;

    private FakeODataFilter(String filter, JsonObject index) {
        this.text = filter;
        index.getJsonArray("fields").forEach(f -> fields.put(((JsonObject) f).getString("name"), (JsonObject) f));
        Matcher m = TOKEN.matcher(filter);
        int end = 0;
        while (m.lookingAt()) {
            tokens.add(m.group(1));
            end = m.end();
            m.region(end, filter.length());
        }
        if (!filter.substring(end).isBlank()) {
            throw invalid("unexpected text at position " + end);
        }
    }

    /** The documents of {@code index} that pass {@code filter} (null or blank: all of them). */
    public static List<JsonObject> apply(List<JsonObject> docs, String filter, JsonObject index) {
        if (filter == null || filter.isBlank()) {
            return docs;
        }
        FakeODataFilter p = new FakeODataFilter(filter, index);
        Node n = p.or();
        if (p.at != p.tokens.size()) {
            throw p.invalid("unexpected '" + p.tokens.get(p.at) + "'");
        }
        return docs.stream().filter(d -> n.test(d, Map.of())).toList();
    }

    private Node or() {
        Node left = and();
        while (peek("or")) {
            at++;
            Node a = left, b = and();
            left = (d, v) -> a.test(d, v) || b.test(d, v);
        }
        return left;
    }

    private Node and() {
        Node left = unary();
        while (peek("and")) {
            at++;
            Node a = left, b = unary();
            left = (d, v) -> a.test(d, v) && b.test(d, v);
        }
        return left;
    }

    private Node unary() {
        if (peek("not")) {
            at++;
            Node n = unary();
            return (d, v) -> !n.test(d, v);
        }
        if (peek("(")) {
            at++;
            Node n = or();
            expect(")");
            return n;
        }
        String name = next();
        if (name.equals("true") || name.equals("false")) {
            boolean b = name.equals("true");
            return (d, v) -> b;
        }
        if (name.equals("search.in")) {
            return searchIn();
        }
        if (peek("/")) {
            return lambda(collection(name));
        }
        return comparison(name);
    }

    /** {@code search.in(x, 'values', 'delimiters')}: x (a variable or a single-valued field) is one of the values. */
    private Node searchIn() {
        expect("(");
        String name = next();
        boolean variable = scope.contains(name);
        if (!variable) {
            single(name);
        }
        expect(",");
        List<String> values = new ArrayList<>();
        String list = literal(next());
        String delimiters = " ,";
        if (peek(",")) {
            at++;
            delimiters = literal(next());
        }
        expect(")");
        StringBuilder one = new StringBuilder();
        for (char c : (list + delimiters.charAt(0)).toCharArray()) {
            if (delimiters.indexOf(c) >= 0) {
                if (!one.isEmpty()) {
                    values.add(one.toString());
                }
                one.setLength(0);
            } else {
                one.append(c);
            }
        }
        return (d, v) -> values.contains(String.valueOf(variable ? v.get(name) : d.getValue(name)));
    }

    /** {@code field/any(x: body)}, {@code field/all(x: body)} or {@code field/any()}. */
    private Node lambda(String field) {
        expect("/");
        String kind = next();
        if (!kind.equals("any") && !kind.equals("all")) {
            throw invalid("expected any or all after " + field + "/, got " + kind);
        }
        expect("(");
        if (peek(")") && kind.equals("any")) {
            at++;
            return (d, v) -> d.getJsonArray(field) != null && !d.getJsonArray(field).isEmpty();
        }
        String variable = next();
        expect(":");
        scope.add(variable);
        Node body = or();
        scope.remove(scope.size() - 1);
        expect(")");
        return (d, v) -> {
            JsonArray values = d.getJsonArray(field, new JsonArray());
            for (Object value : values) {
                Map<String, Object> inner = new HashMap<>(v);
                inner.put(variable, value);
                if (body.test(d, inner) == kind.equals("any")) {
                    return kind.equals("any");
                }
            }
            return kind.equals("all");
        };
    }

    private Node comparison(String name) {
        boolean variable = scope.contains(name);
        if (!variable) {
            single(name);
        }
        String op = next();
        if (!COMPARISONS.contains(op)) {
            throw invalid("the fake supports field eq|ne|gt|lt 'value', got " + name + " " + op);
        }
        String value = literal(next());
        return (d, v) -> {
            String actual = String.valueOf(variable ? v.get(name) : d.getValue(name));
            return switch (op) {
                case "eq" -> value.equals(actual);
                case "ne" -> !value.equals(actual);
                case "gt" -> actual.compareTo(value) > 0;
                default -> actual.compareTo(value) < 0;
            };
        };
    }

    private JsonObject filterable(String name) {
        JsonObject f = fields.get(name);
        if (f == null) {
            throw invalid("Could not find a property named '" + name + "' on type 'search.document'.");
        }
        if (!f.getBoolean("filterable", true)) {
            throw invalid("'" + name + "' is not a filterable field. Only filterable fields can be used in filter"
                    + " expressions.");
        }
        return f;
    }

    private void single(String name) {
        if (filterable(name).getString("type", "").startsWith("Collection(")) {
            throw invalid("'" + name + "' is a collection: compare its values inside any or all");
        }
    }

    private String collection(String name) {
        if (!filterable(name).getString("type", "").startsWith("Collection(")) {
            throw invalid("'" + name + "' is not a collection, so any and all do not apply to it");
        }
        return name;
    }

    private String literal(String token) {
        if (!token.startsWith("'")) {
            throw invalid("expected a string literal, got " + token);
        }
        return token.substring(1, token.length() - 1).replace("''", "'");
    }

    private boolean peek(String t) {
        return at < tokens.size() && tokens.get(at).equals(t);
    }

    private String next() {
        if (at >= tokens.size()) {
            throw invalid("it ends too early");
        }
        return tokens.get(at++);
    }

    private void expect(String t) {
        String got = next();
        if (!got.equals(t)) {
            throw invalid("expected " + t + ", got " + got);
        }
    }

    private IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("Invalid expression: " + why + " (filter: " + text + ")");
    }
}
