package io.portcullis.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** #21 item 14: slots, a bounded wait line, and refusals at once beyond it. */
class AdmissionTest {

    @Test
    void item14_beyondTheSlotsAndTheQueueACallIsRefusedAtOnce() throws Exception {
        Admission a = Admission.of("upstream t", "bulkhead", new AdmissionConfig(2, 1, Duration.ofSeconds(30)));
        Admission.Permit one = a.enter();
        Admission.Permit two = a.enter();
        assertThat(a.inFlight()).isEqualTo(2);
        // the third waits in the queue for a slot
        CompletableFuture<Admission.Permit> third = CompletableFuture.supplyAsync(() -> {
            try {
                return a.enter();
            } catch (Overloaded o) {
                throw new IllegalStateException(o);
            }
        }, r -> Thread.ofVirtual().start(r));
        io.portcullis.testing.Eventually.eventually(java.time.Duration.ofSeconds(10), () -> assertThat(a.waiting()).isEqualTo(1));
        // the fourth finds every slot taken and the queue full: refused at once, naming the control
        Overloaded refused = null;
        try {
            a.enter().close();
        } catch (Overloaded o) {
            refused = o;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.control()).isEqualTo("bulkhead");
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.getMessage()).contains("upstream t is at capacity");
        one.close();
        Admission.Permit got = third.get(10, TimeUnit.SECONDS);
        got.close();
        two.close();
        assertThat(a.inFlight()).isZero();
    }

    @Test
    void item14_aWaitThatRunsOutIsRefusedAndGivesItsPlaceBack() throws Exception {
        Admission a = Admission.of("the gateway", "overload", new AdmissionConfig(1, 1, Duration.ofMillis(50)));
        try (Admission.Permit held = a.enter()) {
            assertThatThrownBy(a::enter).isInstanceOf(Overloaded.class).hasMessageContaining("no slot came free");
            assertThatThrownBy(a::enter).isInstanceOf(Overloaded.class).hasMessageContaining("no slot came free");
        }
        a.enter().close(); // the line is empty again: nothing leaked
        assertThat(a.inFlight()).isZero();
    }

    @Test
    void configIsCheckedWhenBuilt() {
        assertThatThrownBy(() -> new AdmissionConfig(0, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdmissionConfig(1, -1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
