package dev.ordo.shared;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Creates something that a caller's own number keys (request_no, refund_no) when requests with
 * that number race each other: the first insert wins and every other request answers what it
 * created.
 *
 * <p>The losers of the race are refused by the unique key. On InnoDB they can also lose a deadlock:
 * when the winner rolls back, the requests that waited on its key each hold a shared lock on it
 * and each want to insert, and InnoDB kills all but one. Such a loser wrote nothing, so the whole
 * attempt, the lookup of an earlier creation included, is made again, a few times at most.
 *
 * <p>A request whose checks refuse it may have lost the race too: a repeat of a refund finds the
 * order's units already taken — by the very refund it repeats, created after its own lookup. A
 * refusal is therefore answered by the earlier creation when there is one by then, and passed on
 * only when there is none.
 */
public final class FirstWins {

    static final int ATTEMPTS = 4;

    private FirstWins() {}

    /**
     * @param existing what an earlier request with the same number created, if any; throws when
     *     that request carried other parameters
     * @param create checks the request and creates it in one transaction
     */
    public static <T> T create(Supplier<Optional<T>> existing, Supplier<T> create) {
        for (int attempt = 1; ; attempt++) {
            Optional<T> earlier = existing.get();
            if (earlier.isPresent()) {
                return earlier.get();
            }
            try {
                return create.get();
            } catch (DuplicateKeyException lost) {
                return existing.get().orElseThrow(() -> lost);
            } catch (OrdoException refused) {
                return existing.get().orElseThrow(() -> refused);
            } catch (PessimisticLockingFailureException deadlock) {
                if (attempt == ATTEMPTS) {
                    throw deadlock;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrdoException(ErrorCode.UNAVAILABLE, "interrupted; repeat the request");
        }
    }
}
