package dev.ordo.shared;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The two rounding rules of Ordo, written once:
 *
 * <ul>
 *   <li><b>rate × amount</b> (a discount or fee rate applied to cents) is rounded half up to whole
 *       cents: 10000 × 0.99 = 9900; 333 × 0.5 = 166.5 → 167.
 *   <li><b>Splitting a total</b> over parts in proportion to weights gives each part its share
 *       rounded down, then hands the cents left over, one each, to the parts with the largest
 *       remainders (earliest first on ties): the parts always sum exactly to the total.
 * </ul>
 */
public final class Money {

    private static final Pattern YUAN = Pattern.compile("[0-9]{1,13}(\\.[0-9]{1,2})?");

    private Money() {}

    public static long times(long cents, BigDecimal rate) {
        return BigDecimal.valueOf(cents)
                .multiply(rate)
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /** Yuan as written by a client ("198", "198.5", "198.50") to cents; more than two decimals is refused. */
    public static long yuanToCents(String yuan) {
        if (!YUAN.matcher(yuan).matches()) {
            throw new IllegalArgumentException("yuan as digits with at most two decimals");
        }
        BigDecimal value = new BigDecimal(yuan);
        if (value.scale() > 2 || value.signum() < 0) {
            throw new IllegalArgumentException("at most two decimals, not negative");
        }
        return value.movePointRight(2).longValueExact();
    }

    public static String centsToYuan(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    /** Yuan as people write them: {@code 300}, {@code 0.5}, {@code 199.99}. */
    public static String yuan(long cents) {
        return BigDecimal.valueOf(cents, 2).stripTrailingZeros().toPlainString();
    }

    public static List<Long> allocate(long total, List<Long> weights) {
        long weightSum = weights.stream().mapToLong(Long::longValue).sum();
        if (weightSum <= 0) {
            throw new IllegalArgumentException("weights must sum to more than zero");
        }
        List<Long> shares = new ArrayList<>(weights.size());
        long[] remainders = new long[weights.size()];
        long given = 0;
        for (int i = 0; i < weights.size(); i++) {
            BigDecimal exact = BigDecimal.valueOf(total).multiply(BigDecimal.valueOf(weights.get(i)));
            BigDecimal[] division = exact.divideAndRemainder(BigDecimal.valueOf(weightSum));
            shares.add(division[0].longValueExact());
            remainders[i] = division[1].longValueExact();
            given += shares.get(i);
        }
        for (long left = total - given; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < remainders.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            shares.set(best, shares.get(best) + 1);
            remainders[best] = -1;
        }
        return shares;
    }
}
