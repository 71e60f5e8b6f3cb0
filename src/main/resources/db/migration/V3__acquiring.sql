-- Virtual-goods acquiring (SPEC A, seed 000): catalog, orders with delivery units, refunds,
-- notifications. Money in cents; discounts as exact decimals. Seed flags keep the seed's meaning:
-- 0 = yes / enabled, 1 = no / disabled.

insert into id_block (name, next_id) values ('oms_order', 1000000001);
insert into id_block (name, next_id) values ('oms_order_unit', 1);
insert into id_block (name, next_id) values ('oms_refund', 2000000001);

create table oms_product_line (
    line_id              bigint       not null primary key,
    line_name            varchar(64)  not null,
    can_package_delivery smallint     not null
)${table_options};

create table oms_down_channel (
    channel_no     varchar(32)  not null primary key,
    channel_name   varchar(64)  not null,
    status         smallint     not null,
    secret         varchar(128),
    legacy_unsigned smallint    not null,
    rate_limit     int          not null
)${table_options};

create table oms_down_shelf (
    shelf_id        bigint      not null primary key,
    shelf_name      varchar(64) not null,
    channel_no      varchar(32) not null,
    order_overtime  int         not null,
    refund_overtime int         not null,
    status          smallint    not null,
    constraint fk_down_shelf_channel foreign key (channel_no) references oms_down_channel (channel_no)
)${table_options};

create table oms_down_product (
    product_id           bigint        not null primary key,
    shelf_id             bigint        not null,
    line_id              bigint        not null,
    carrier_no           varchar(32)   not null,
    province_no          varchar(32)   not null,
    city_no              varchar(32)   not null,
    invoice_type         smallint      not null,
    can_refund           smallint      not null,
    face                 bigint        not null,
    sell_discount        decimal(10,6) not null,
    commission_discount  decimal(10,6) not null,
    service_discount     decimal(10,6) not null,
    payment_fee_discount decimal(10,6) not null,
    can_split_order      smallint      not null,
    split_order_face     bigint        not null,
    limit_count          int           not null,
    status               smallint      not null,
    constraint fk_down_product_shelf foreign key (shelf_id) references oms_down_shelf (shelf_id),
    constraint fk_down_product_line foreign key (line_id) references oms_product_line (line_id)
)${table_options};

-- Upstream channels are the suppliers, with their delivery settings (seed 000 "vds_channel_info").
create table oms_up_channel (
    channel_no             varchar(32)   not null primary key,
    channel_name           varchar(64)   not null,
    status                 smallint      not null,
    service_class          int           not null,
    protocol               varchar(32)   not null,
    request_url            varchar(512)  not null,
    query_url              varchar(512),
    return_url             varchar(512),
    notify_url             varchar(512),
    can_query              smallint      not null,
    first_query_time       int           not null,
    query_replenish_time   int           not null,
    request_replenish_time int           not null,
    timeout_ms             int           not null,
    secret                 varchar(128)  not null
)${table_options};

create table oms_up_shelf (
    shelf_id          bigint      not null primary key,
    shelf_name        varchar(64) not null,
    channel_no        varchar(32) not null,
    delivery_overtime int         not null,
    return_overtime   int         not null,
    status            smallint    not null,
    constraint fk_up_shelf_channel foreign key (channel_no) references oms_up_channel (channel_no)
)${table_options};

create table oms_up_product (
    product_id          bigint        not null primary key,
    shelf_id            bigint        not null,
    line_id             bigint        not null,
    carrier_no          varchar(32)   not null,
    province_no         varchar(32)   not null,
    city_no             varchar(32)   not null,
    invoice_type        smallint      not null,
    can_refund          smallint      not null,
    face                bigint        not null,
    cost_discount       decimal(10,6) not null,
    commission_discount decimal(10,6) not null,
    service_discount    decimal(10,6) not null,
    limit_count         int           not null,
    status              smallint      not null,
    constraint fk_up_product_shelf foreign key (shelf_id) references oms_up_shelf (shelf_id),
    constraint fk_up_product_line foreign key (line_id) references oms_product_line (line_id)
)${table_options};

-- A supplier's answer codes and what they mean (seed 000 "vds_channel_error_code").
create table oms_up_error_code (
    channel_no      varchar(32)  not null,
    service_class   int          not null,
    error_code      varchar(32)  not null,
    deal_code       smallint     not null,
    error_code_desc varchar(128) not null,
    primary key (channel_no, service_class, error_code)
)${table_options};

create table oms_order (
    order_id         bigint        not null primary key,
    channel_no       varchar(32)   not null,
    request_no       varchar(64)   not null,
    request_hash     varchar(64)   not null,
    parent_order_id  bigint,
    is_parent        boolean       not null,
    line_id          bigint        not null,
    carrier_no       varchar(32)   not null,
    province_no      varchar(32)   not null,
    city_no          varchar(32)   not null,
    invoice_type     smallint      not null,
    num              int           not null,
    face             bigint        not null,
    amount           bigint        not null,
    notify_url       varchar(512),
    recharge_account varchar(64),
    down_product_id  bigint        not null,
    status           int           not null,
    open_units       int           not null,
    overtime_at      ${ts}         not null,
    deadline_at      ${ts},
    created_at       ${ts}         not null,
    finished_at      ${ts},
    sale             bigint        not null,
    commission       bigint        not null,
    service_fee      bigint        not null,
    payment_fee      bigint        not null,
    cost             bigint        not null,
    up_commission    bigint        not null,
    up_service_fee   bigint        not null,
    margin           bigint        not null,
    version          bigint        not null,
    constraint uk_oms_order_request unique (channel_no, request_no)
)${table_options};

create index ix_oms_order_deadline on oms_order (deadline_at);
create index ix_oms_order_created on oms_order (created_at);

create table oms_order_unit (
    unit_id           bigint       not null primary key,
    order_id          bigint       not null,
    seq               int          not null,
    pieces            int          not null,
    face              bigint       not null,
    up_channel_no     varchar(32)  not null,
    up_product_id     bigint       not null,
    status            int          not null,
    sale              bigint       not null,
    commission        bigint       not null,
    service_fee       bigint       not null,
    payment_fee       bigint       not null,
    cost              bigint       not null,
    up_commission     bigint       not null,
    up_service_fee    bigint       not null,
    delivery_deadline ${ts},
    submitted_at      ${ts},
    resolved_at       ${ts},
    result_code       varchar(32),
    result_msg        varchar(256),
    supplier_order_no varchar(64),
    refund_id         bigint,
    version           bigint       not null,
    constraint fk_oms_unit_order foreign key (order_id) references oms_order (order_id),
    constraint uk_oms_unit_seq unique (order_id, seq)
)${table_options};

-- Every state change of orders, units and refunds with its reason: the status history, the bind
-- decisions, and the transactional outbox of order events (published_at set once relayed).
create table oms_order_event (
    event_id     bigint        not null primary key,
    order_id     bigint        not null,
    unit_id      bigint,
    refund_id    bigint,
    event_type   varchar(40)   not null,
    from_status  int,
    to_status    int,
    reason       varchar(1000),
    created_at   ${ts}         not null,
    published_at ${ts}
)${table_options};

create index ix_oms_order_event_order on oms_order_event (order_id, created_at);
create index ix_oms_order_event_unpublished on oms_order_event (published_at, event_id);

create table oms_refund (
    refund_id     bigint       not null primary key,
    order_id      bigint       not null,
    channel_no    varchar(32)  not null,
    request_no    varchar(64)  not null,
    refund_no     varchar(64)  not null,
    refund_num    int          not null,
    mandatory     boolean      not null,
    notify_url    varchar(512),
    request_hash  varchar(64)  not null,
    status        int          not null,
    overtime_at   ${ts}        not null,
    deadline_at   ${ts},
    created_at    ${ts}        not null,
    finished_at   ${ts},
    refunded_sale bigint       not null,
    loss          bigint       not null,
    version       bigint       not null,
    constraint uk_oms_refund_no unique (channel_no, refund_no),
    constraint fk_oms_refund_order foreign key (order_id) references oms_order (order_id)
)${table_options};

create index ix_oms_refund_order on oms_refund (order_id);
create index ix_oms_refund_deadline on oms_refund (deadline_at);

create table oms_refund_unit (
    refund_id     bigint       not null,
    unit_id       bigint       not null,
    status        int          not null,
    result_code   varchar(32),
    result_msg    varchar(256),
    submitted_at  ${ts},
    resolved_at   ${ts},
    primary key (refund_id, unit_id),
    constraint fk_oms_refund_unit_refund foreign key (refund_id) references oms_refund (refund_id)
)${table_options};

create index ix_oms_refund_unit_unit on oms_refund_unit (unit_id);

-- Outbound notifications (SPEC K5) and every attempt to deliver them.
create table notification (
    notification_id bigint        not null primary key,
    event_id        varchar(100)  not null,
    channel_no      varchar(32)   not null,
    url             varchar(512)  not null,
    payload         varchar(4000) not null,
    status          smallint      not null,
    attempts        int           not null,
    created_at      ${ts}         not null,
    give_up_at      ${ts}         not null,
    delivered_at    ${ts},
    constraint uk_notification_event unique (event_id)
)${table_options};

create table notification_attempt (
    attempt_id      bigint        not null primary key,
    notification_id bigint        not null,
    attempt         int           not null,
    attempted_at    ${ts}         not null,
    http_status     int,
    response        varchar(500),
    error           varchar(500),
    duration_ms     bigint        not null,
    constraint fk_notification_attempt foreign key (notification_id) references notification (notification_id)
)${table_options};

create index ix_notification_attempt on notification_attempt (notification_id, attempt);
