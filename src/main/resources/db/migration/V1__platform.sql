-- Platform tables: id blocks and the durable job engine (db-scheduler).
-- Types that differ per database are Flyway placeholders (see SharedConfiguration).

create table id_block (
    name    varchar(64) not null primary key,
    next_id bigint      not null
)${table_options};

-- db-scheduler's table, shared by the schedulers of every queue.
create table scheduled_tasks (
    task_name            varchar(100) not null,
    task_instance        varchar(200) not null,
    task_data            ${blob},
    execution_time       ${tstz}      not null,
    picked               boolean      not null,
    picked_by            varchar(50),
    last_success         ${tstz},
    last_failure         ${tstz},
    consecutive_failures int,
    last_heartbeat       ${tstz},
    version              bigint       not null,
    priority             smallint,
    primary key (task_name, task_instance)
)${table_options};

create index ix_scheduled_tasks_due on scheduled_tasks (task_name, picked, execution_time);
create index ix_scheduled_tasks_heartbeat on scheduled_tasks (last_heartbeat);
create index ix_scheduled_tasks_execution_time on scheduled_tasks (execution_time);

-- Jobs that used up their attempts.
create table job_dead_letter (
    id         bigint        not null primary key,
    queue      varchar(100)  not null,
    job_id     varchar(200)  not null,
    payload    ${text},
    attempts   int           not null,
    last_error varchar(2000),
    failed_at  ${ts}         not null,
    constraint uk_job_dead_letter unique (queue, job_id)
)${table_options};
