package dev.ordo.acquiring.internal;

import static dev.ordo.acquiring.AcquiringQueues.BIND;
import static dev.ordo.acquiring.AcquiringQueues.DELIVERY;
import static dev.ordo.acquiring.AcquiringQueues.DELIVERY_UNKNOWN;
import static dev.ordo.acquiring.AcquiringQueues.ORDER_NOTIFY;
import static dev.ordo.acquiring.AcquiringQueues.ORDER_OVERTIME;
import static dev.ordo.acquiring.AcquiringQueues.PAY;
import static dev.ordo.acquiring.AcquiringQueues.REFUND_NOTIFY;
import static dev.ordo.acquiring.AcquiringQueues.REFUND_OVERTIME;
import static dev.ordo.acquiring.AcquiringQueues.REFUND_PAY;
import static dev.ordo.acquiring.AcquiringQueues.REFUND_UP_PAY;
import static dev.ordo.acquiring.AcquiringQueues.RETURN;
import static dev.ordo.acquiring.AcquiringQueues.RETURN_COMPLETE;
import static dev.ordo.acquiring.AcquiringQueues.RETURN_UNKNOWN;
import static dev.ordo.acquiring.AcquiringQueues.UNIT_REFUND;
import static dev.ordo.acquiring.AcquiringQueues.UP_PAY;

import dev.ordo.acquiring.AcquiringQueues.OrderRef;
import dev.ordo.acquiring.AcquiringQueues.RefundRef;
import dev.ordo.acquiring.AcquiringQueues.ReturnQuery;
import dev.ordo.acquiring.AcquiringQueues.UnitQuery;
import dev.ordo.acquiring.AcquiringQueues.UnitRef;
import dev.ordo.catalog.Catalog;
import dev.ordo.jobs.JobHandler;
import dev.ordo.jobs.RecurringJob;
import dev.ordo.notify.Notifications;
import dev.ordo.notify.Notifications.NotificationRef;
import dev.ordo.shared.OldRows;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Each queue of the flow and the step that runs its jobs, with the order's id in the logging
 * context; the overtime timers.
 */
@Configuration(proxyBeanMethods = false)
class AcquiringConfiguration {

    @Bean
    JobHandler<OrderRef> bindHandler(OrderSteps steps, StepContext context) {
        return JobHandler.of(BIND, job -> context.order(job.payload().orderId(), () -> steps.advance(job.payload())));
    }

    @Bean
    JobHandler<OrderRef> payHandler(OrderSteps steps, StepContext context) {
        return JobHandler.of(
                PAY,
                job -> context.order(
                        job.payload().orderId(),
                        () -> steps.advance(job.payload().orderId())));
    }

    @Bean
    JobHandler<UnitRef> deliveryHandler(OrderSteps steps, StepContext context) {
        return JobHandler.of(
                DELIVERY,
                job -> context.unit(
                        job.payload().unitId(),
                        () -> steps.deliver(job.payload().unitId())));
    }

    @Bean
    JobHandler<UnitQuery> deliveryUnknownHandler(OrderSteps steps, StepContext context) {
        return JobHandler.of(
                DELIVERY_UNKNOWN,
                job -> context.unit(
                        job.payload().unitId(),
                        () -> steps.query(job.payload().unitId(), job.payload().attempt())));
    }

    @Bean
    JobHandler<UnitRef> unitRefundHandler(OrderSteps steps, StepContext context) {
        return JobHandler.of(
                UNIT_REFUND,
                job -> context.unit(
                        job.payload().unitId(),
                        () -> steps.refundUnit(job.payload().unitId())));
    }

    @Bean
    JobHandler<OrderRef> upPayHandler(OrderSteps steps, StepContext context) {
        return JobHandler.of(
                UP_PAY,
                job -> context.order(
                        job.payload().orderId(), () -> steps.upPay(job.payload().orderId())));
    }

    @Bean
    JobHandler<OrderRef> orderOvertimeHandler(OrderSteps steps, StepContext context) {
        return JobHandler.of(
                ORDER_OVERTIME,
                job -> context.order(
                        job.payload().orderId(),
                        () -> steps.overtime(job.payload().orderId())));
    }

    @Bean
    JobHandler<NotificationRef> orderNotifyHandler(Notifications notifications, Catalog catalog) {
        return JobHandler.of(
                ORDER_NOTIFY,
                job -> notifications.deliver(job.payload().notificationId(), secrets(catalog)),
                ref -> notifications.giveUp(ref.notificationId()),
                ref -> notifications.reopen(ref.notificationId()));
    }

    @Bean
    JobHandler<RefundRef> returnHandler(RefundSteps steps, StepContext context) {
        return JobHandler.of(
                RETURN,
                job -> context.refund(
                        job.payload().refundId(),
                        () -> steps.returnUnits(job.payload().refundId())));
    }

    @Bean
    JobHandler<ReturnQuery> returnUnknownHandler(RefundSteps steps, StepContext context) {
        return JobHandler.of(
                RETURN_UNKNOWN,
                job -> context.refund(job.payload().refundId(), () -> steps.queryReturn(job.payload())));
    }

    @Bean
    JobHandler<RefundRef> returnCompleteHandler(RefundSteps steps, StepContext context) {
        return JobHandler.of(
                RETURN_COMPLETE,
                job -> context.refund(
                        job.payload().refundId(),
                        () -> steps.returnsComplete(job.payload().refundId())));
    }

    @Bean
    JobHandler<RefundRef> refundPayHandler(RefundSteps steps, StepContext context) {
        return JobHandler.of(
                REFUND_PAY,
                job -> context.refund(
                        job.payload().refundId(),
                        () -> steps.refundChannel(job.payload().refundId())));
    }

    @Bean
    JobHandler<RefundRef> refundUpPayHandler(RefundSteps steps, StepContext context) {
        return JobHandler.of(
                REFUND_UP_PAY,
                job -> context.refund(
                        job.payload().refundId(),
                        () -> steps.reverseSupplier(job.payload().refundId())));
    }

    @Bean
    JobHandler<RefundRef> refundOvertimeHandler(RefundSteps steps, StepContext context) {
        return JobHandler.of(
                REFUND_OVERTIME,
                job -> context.refund(
                        job.payload().refundId(),
                        () -> steps.overtime(job.payload().refundId())));
    }

    @Bean
    JobHandler<NotificationRef> refundNotifyHandler(Notifications notifications, Catalog catalog) {
        return JobHandler.of(
                REFUND_NOTIFY,
                job -> notifications.deliver(job.payload().notificationId(), secrets(catalog)),
                ref -> notifications.giveUp(ref.notificationId()),
                ref -> notifications.reopen(ref.notificationId()));
    }

    /** Orders and refunds whose overtime has come get their overtime job. */
    @Bean
    RecurringJob overtimeScan(
            OrderSteps orders, RefundSteps refunds, @Value("${ordo.acquiring.overtime-scan:5s}") Duration interval) {
        return RecurringJob.of("oms:overtime:scan", interval, () -> {
            orders.scanOvertime();
            refunds.scanOvertime();
        });
    }

    /**
     * Refund signatures are kept twice the signature window and a minute (a request is valid from
     * {@code window} before its timestamp to {@code window} after), then deleted.
     */
    @Bean
    RecurringJob refundSignatureRetention(
            JdbcClient jdbc,
            Clock clock,
            @Value("${ordo.acquiring.signature-window:5m}") Duration window,
            @Value("${ordo.acquiring.refund-signatures.retention-interval:10m}") Duration interval) {
        return RecurringJob.retention(
                "oms:refund:signatures",
                interval,
                clock,
                window.multipliedBy(2).plusMinutes(1),
                new OldRows(jdbc, RefundSignatures.TABLE, "entry_id", "created_at"),
                1_000);
    }

    /**
     * Notifications are signed with the channel's secret as it is at each attempt; a channel this
     * node's catalog does not know yet fails the attempt, to be retried.
     */
    static Notifications.Secrets secrets(Catalog catalog) {
        return channelNo -> catalog.downChannel(channelNo)
                .orElseThrow(() -> new IllegalStateException(
                        "channel " + channelNo + " is not in this node's catalog (yet): not sent unsigned"))
                .secret();
    }
}
