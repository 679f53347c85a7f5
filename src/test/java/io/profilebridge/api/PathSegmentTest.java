package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathSegmentTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "8f6f2a1e-4b6d-4f3a-9d2c-1a7e5c3b9f10|8f6f2a1e-4b6d-4f3a-9d2c-1a7e5c3b9f10",
                "batch 7/item#1|batch%207%2Fitem%231",
                "../../../admin/export?all=true|..%2F..%2F..%2Fadmin%2Fexport%3Fall%3Dtrue",
                ".|%2E",
                "..|%2E%2E",
                "...|...",
                "a+b%2F;c|a%2Bb%252F%3Bc",
                "Müller~_.-|M%C3%BCller~_.-",
                "😀|%F0%9F%98%80"
            })
    void everythingButUnreservedCharactersIsEncodedAndDotSegmentsToo(String id, String encoded) {
        assertThat(PathSegment.encode(id)).isEqualTo(encoded);
    }

    @Test
    void anIdNoUrlCanNameIsRefusedNotMangled() {
        assertThatThrownBy(() -> PathSegment.encode("\ud800"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> PathSegment.encode("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PathSegment.isEncodable("x\udc00y")).isFalse();
        assertThat(PathSegment.isEncodable("batch 7/item#1")).isTrue();
    }

    @Test
    void anIdLongerThanAUrlCarriesOnceEncodedIsNotUsable() {
        // HTTP-edges audit: a 100 KB profile_creation_id made 200,033-character status URLs
        assertThat(PathSegment.isUsable("a".repeat(PathSegment.MAX_ENCODED_LENGTH)))
                .isTrue();
        assertThat(PathSegment.isUsable("a".repeat(PathSegment.MAX_ENCODED_LENGTH + 1)))
                .isFalse();
        assertThat(PathSegment.isUsable("/".repeat(PathSegment.MAX_ENCODED_LENGTH / 3 + 1)))
                .as("counted once encoded, %2F each")
                .isFalse();
        assertThat(PathSegment.isUsable("\ud800")).isFalse();
    }
}
