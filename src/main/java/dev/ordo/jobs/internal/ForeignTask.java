package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import java.util.List;
import java.util.Set;

/**
 * Another queue's task as one queue's scheduler knows it: the same task, except that a dead
 * execution of it is left to its own queue's scheduler. Every scheduler looks for the dead
 * executions of every task; without this, each of a node's schedulers revived the same dead
 * execution and all but the first failed on its version, an error logged per scheduler for every
 * job a dead node left behind.
 */
final class ForeignTask<T> implements Task<T> {

    private static final DeadExecutionHandler<?> LEFT_TO_ITS_QUEUE = (execution, operations) -> {};

    private final Task<T> task;

    private ForeignTask(Task<T> task) {
        this.task = task;
    }

    /** The tasks as the scheduler of {@code own} knows them: its own as they are, the others foreign. */
    static List<Task<?>> view(List<? extends Task<?>> tasks, Set<String> own) {
        return tasks.stream()
                .<Task<?>>map(task -> own.contains(task.getName()) ? task : new ForeignTask<>(task))
                .toList();
    }

    @Override
    public String getName() {
        return task.getName();
    }

    @Override
    public Class<T> getDataClass() {
        return task.getDataClass();
    }

    @Override
    public TaskInstance<T> instance(String id) {
        return task.instance(id);
    }

    @Override
    public TaskInstance<T> instance(String id, T data) {
        return task.instance(id, data);
    }

    @Override
    public TaskInstance.Builder<T> instanceBuilder(String id) {
        return task.instanceBuilder(id);
    }

    @Override
    public SchedulableInstance<T> schedulableInstance(String id) {
        return task.schedulableInstance(id);
    }

    @Override
    public SchedulableInstance<T> schedulableInstance(String id, T data) {
        return task.schedulableInstance(id, data);
    }

    @Override
    public FailureHandler<T> getFailureHandler() {
        return task.getFailureHandler();
    }

    @Override
    @SuppressWarnings("unchecked")
    public DeadExecutionHandler<T> getDeadExecutionHandler() {
        return (DeadExecutionHandler<T>) LEFT_TO_ITS_QUEUE;
    }

    @Override
    public int getDefaultPriority() {
        return task.getDefaultPriority();
    }

    @Override
    public CompletionHandler<T> execute(TaskInstance<T> instance, ExecutionContext context) {
        return task.execute(instance, context);
    }
}
