package io.profilebridge.validation;

/** One documented rule a request body breaks: the field, the API's own error code, and a message naming both. */
public record RuleViolation(String field, String code, String message, int httpStatus) {}
