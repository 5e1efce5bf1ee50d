package dev.ragd.mock;

import io.vertx.core.json.JsonObject;

/**
 * An error response in the upstream's shape: OpenAI's {@code {"error":{"message","type","param","code"}}},
 * or Azure's gateway shape {@code {"error":{"code","message"}}} when {@code gateway} is set.
 */
record ApiError(int status, String message, String type, String param, String code, boolean gateway) {

    JsonObject toJson() {
        JsonObject error = new JsonObject();
        if (gateway) {
            error.put("code", code).put("message", message);
        } else {
            error.put("message", message).put("type", type).put("param", param).put("code", code);
        }
        return new JsonObject().put("error", error);
    }

    static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, message, "invalid_request_error", param, code, false);
    }

    static ApiError missingKey(boolean azure) {
        return azure
                ? new ApiError(401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
                        + "provide a valid key for an active subscription and use a correct regional API endpoint "
                        + "for your resource.", null, null, "401", true)
                : new ApiError(401, "You didn't provide an API key. You need to provide your API key in an "
                        + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                        "invalid_request_error", null, null, false);
    }

    /** A key that is not the accepted one; OpenAI echoes it masked but for its first and last four characters. */
    static ApiError wrongKey(boolean azure, String presented) {
        if (azure) {
            return missingKey(true);
        }
        String shown = presented.length() <= 8 ? "*".repeat(presented.length())
                : presented.substring(0, 4) + "*".repeat(presented.length() - 8) + presented.substring(presented.length() - 4);
        return new ApiError(401, "Incorrect API key provided: " + shown + ". You can find your API key at "
                + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key", false);
    }

    static ApiError missingApiVersion() {
        return new ApiError(400, "The api-version query parameter (?api-version=) is required for all requests.",
                null, null, "MissingApiVersionParameter", true);
    }

    static ApiError rateLimited(boolean azure, String operation, String apiVersion, int retryAfterS) {
        String unit = retryAfterS == 1 ? " second" : " seconds";
        return azure
                ? new ApiError(429, "Requests to the " + operation + " Operation under Azure OpenAI API version "
                        + apiVersion + " have exceeded call rate limit of your current OpenAI S0 pricing tier. "
                        + "Please retry after " + retryAfterS + unit + ".", null, null, "429", true)
                : new ApiError(429, "Rate limit reached for requests. Please try again in " + retryAfterS + "s.",
                        "requests", null, "rate_limit_exceeded", false);
    }

    /** The 429 of an exhausted per-minute quota, in tokens ({@code tokens}) or requests. */
    static ApiError quotaExceeded(boolean azure, String operation, String apiVersion, int retryAfterS, boolean tokens,
            long limit) {
        String unit = retryAfterS == 1 ? " second" : " seconds";
        return azure
                ? new ApiError(429, "Requests to the " + operation + " Operation under Azure OpenAI API version "
                        + apiVersion + " have exceeded " + (tokens ? "token" : "call") + " rate limit of your current "
                        + "OpenAI S0 pricing tier. Please retry after " + retryAfterS + unit + ".", null, null, "429", true)
                : new ApiError(429, "Rate limit reached on " + (tokens ? "tokens per min (TPM)" : "requests per min (RPM)")
                        + ": Limit " + limit + ". Please try again in " + retryAfterS + "s.",
                        tokens ? "tokens" : "requests", null, "rate_limit_exceeded", false);
    }

    static ApiError serverError(int status) {
        return status == 503
                ? new ApiError(503, "The engine is currently overloaded, please try again later.", "server_error",
                        null, null, false)
                : new ApiError(500, "The server had an error while processing your request. Sorry about that!",
                        "server_error", null, null, false);
    }

    static ApiError notFound(String method, String path) {
        return new ApiError(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, null, false);
    }
}
