package dev.ordo.order;

import java.time.Instant;

/**
 * An order as stored. {@code face} is the face of one product in cents, {@code amount} what the
 * channel pays for all of them; {@code money} is filled when the order finishes (delivered units
 * only). An order may be the child of a parent order ({@code parentOrderId}) or a parent of others.
 */
public record Order(
        long orderId,
        String channelNo,
        String requestNo,
        String requestHash,
        Long parentOrderId,
        boolean parent,
        long lineId,
        String carrierNo,
        String provinceNo,
        String cityNo,
        int invoiceType,
        int num,
        long face,
        long amount,
        String notifyUrl,
        String rechargeAccount,
        long downProductId,
        OrderStatus status,
        int openUnits,
        Instant overtimeAt,
        Instant createdAt,
        Instant finishedAt,
        OrderMoney money,
        long version) {}
