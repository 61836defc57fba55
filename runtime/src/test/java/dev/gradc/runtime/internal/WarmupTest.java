package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One warm-up thread for all jobs, the newest served first. */
class WarmupTest {
    static volatile Object sink;

    /** A job whose rounds allocate until {@code quietFrom} rounds have run; counts its rounds. */
    static final class CountingJob implements Warmup.Job {
        final AtomicLong rounds = new AtomicLong();
        final CountDownLatch ready = new CountDownLatch(1);
        volatile long quietFrom;

        CountingJob(long quietFrom) {
            this.quietFrom = quietFrom;
        }

        @Override
        public void round() {
            if (rounds.incrementAndGet() < quietFrom) sink = new byte[16];
        }

        @Override
        public void ready() {
            ready.countDown();
        }
    }

    @Test
    void aNewerJobRunsAloneUntilItIsReady() throws InterruptedException {
        CountingJob older = new CountingJob(Long.MAX_VALUE), newer = new CountingJob(0);
        Warmup.start(older);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (older.rounds.get() < 10) {
            assertTrue(System.nanoTime() < deadline, "the first job never ran");
            Thread.sleep(1);
        }
        Warmup.start(newer);
        while (newer.rounds.get() == 0) {
            assertTrue(System.nanoTime() < deadline, "the newer job never ran");
            Thread.onSpinWait();
        }
        long olderAtSwitch = older.rounds.get();
        assertTrue(newer.ready.await(60, TimeUnit.SECONDS), "the newer job did not get ready");
        assertEquals(olderAtSwitch, older.rounds.get(), "rounds of the older job while the newer one ran");
        older.quietFrom = 0; // let it finish, and the thread with it
        assertTrue(older.ready.await(60, TimeUnit.SECONDS), "the older job did not get ready once resumed");
    }
}
