package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.ZoneId;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Times are taken as the databases store them (milliseconds), so an answer matches its record read back. */
class ClockTest {

    @Test
    void the_clock_gives_whole_milliseconds_in_the_configured_zone() {
        Clock clock = new SharedConfiguration().clock("Asia/Shanghai");
        assertThat(clock.getZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(IntStream.range(0, 1_000).mapToObj(i -> clock.instant()))
                .allSatisfy(instant -> assertThat(instant.getNano() % 1_000_000).isZero());
        assertThat(new SharedConfiguration().clock("").getZone()).isEqualTo(ZoneId.systemDefault());
    }
}
