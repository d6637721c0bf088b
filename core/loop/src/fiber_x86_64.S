/* fiber_x86_64.S — the context switch for x86-64 (System V ABI, Linux).
 *
 * A fiber's whole machine state, while it is not running, is its stack plus
 * one saved stack pointer (al_context.sp). Switching is therefore: push what
 * the callee must preserve onto the current stack, store rsp, load the other
 * fiber's rsp, pop the same things off its stack, and return -- into the
 * other fiber's own call of al_context_switch.
 *
 * Why only these registers: al_context_switch is an ordinary function call
 * as far as the compiler is concerned, so every caller-saved register (rax,
 * rcx, rdx, rsi, rdi, r8-r11, all of xmm0-15, the x87 stack) is already
 * assumed clobbered by the caller. The ABI leaves callee-saved: rbx, rbp,
 * r12-r15, rsp, and the control bits of MXCSR and of the x87 control word
 * (rounding mode, exception masks). Saving exactly those is what makes the
 * switch a handful of instructions with no system call (glibc's swapcontext
 * also saves and restores the signal mask, which costs a syscall). The same
 * reasoning as minicoro's and libdill's switches.
 *
 * Frame pushed by al_context_switch, as seen from the saved sp:
 *
 *     sp+56  return address  (where the switch returns to)
 *     sp+48  rbp
 *     sp+40  rbx
 *     sp+32  r12
 *     sp+24  r13
 *     sp+16  r14
 *     sp+8   r15
 *     sp+4   x87 control word (16 bits)
 *     sp+0   MXCSR (32 bits: control bits 6-15, status flags 0-5)
 *
 * The layout is the same on both sides of the switch, which is also why one
 * set of CFI directives describes the function correctly before and after
 * rsp changes.
 *
 * Not compatible with CET (shadow stacks forbid exactly this kind of return
 * to another stack, and the jmp below lands on no endbr64); we deliberately
 * emit no .note.gnu.property, so a binary linking this is not marked CET-
 * capable and the loader does not turn CET on.
 */

    .text

/* void al_context_switch(al_context *from, al_context *to)
 *   rdi = from, rsi = to. al_context's only member, sp, is at offset 0. */
    .globl  al_context_switch
    .type   al_context_switch, @function
/* int al__context_transfer(al_context *from, al_context *to, int value)
 *   The same switch, and the other side's call "returns" value (rdx), so a
 *   fiber can tell its resumer "I yielded" or "I finished" without any code
 *   running after the switch (see fiber.c: why that matters for speed). */
    .globl  al__context_transfer
    .hidden al__context_transfer
    .type   al__context_transfer, @function
    .p2align 4
al_context_switch:
al__context_transfer:
    .cfi_startproc
    movq    %rdx, %r8           /* the value to hand over: r8 survives the switch */
    pushq   %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset rbp, 0
    pushq   %rbx
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset rbx, 0
    pushq   %r12
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r12, 0
    pushq   %r13
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r13, 0
    pushq   %r14
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r14, 0
    pushq   %r15
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset r15, 0
    subq    $8, %rsp
    .cfi_adjust_cfa_offset 8
    stmxcsr (%rsp)
    fnstcw  4(%rsp)
    /* Keep the current control words in registers for the comparison below
     * (loads of the same size and address as the stores: forwarded, cheap). */
    movl    (%rsp), %eax
    movzwl  4(%rsp), %ecx

    movq    %rsp, (%rdi)        /* from->sp = rsp: "from" is now frozen */
    movq    (%rsi), %rsp        /* rsp = to->sp: we are on the other stack */

    /* Loading MXCSR and the x87 control word costs as much as all the rest
     * of the switch (and a changed MXCSR far more: ~50 ns measured here),
     * yet they almost never differ between fibers: load them only when
     * they do. Only MXCSR's control bits (6-15) count: its status bits
     * (0-5, sticky exception flags such as "inexact") are caller-saved in
     * the ABI, and every bit of arithmetic sets them, so comparing them too
     * would make nearly every switch take the slow path. */
    movl    (%rsp), %edx
    xorl    %eax, %edx
    testl   $0xffc0, %edx
    jnz     1f
    cmpw    4(%rsp), %cx
    je      2f
1:  ldmxcsr (%rsp)
    fldcw   4(%rsp)
2:  addq    $8, %rsp
    .cfi_adjust_cfa_offset -8
    popq    %r15
    .cfi_adjust_cfa_offset -8
    .cfi_restore r15
    popq    %r14
    .cfi_adjust_cfa_offset -8
    .cfi_restore r14
    popq    %r13
    .cfi_adjust_cfa_offset -8
    .cfi_restore r13
    popq    %r12
    .cfi_adjust_cfa_offset -8
    .cfi_restore r12
    popq    %rbx
    .cfi_adjust_cfa_offset -8
    .cfi_restore rbx
    popq    %rbp
    .cfi_adjust_cfa_offset -8
    .cfi_restore rbp
    /* pop + indirect jmp rather than `ret`: the CPU predicts a `ret` from its
     * return stack buffer, i.e. back to our own caller, and here the return
     * goes to the other fiber's caller, so a `ret` is mispredicted on every
     * switch. An indirect jmp is predicted from branch history instead,
     * which learns the alternation. Measured here: ~3.5 ns per switch
     * instead of ~10 (Boost.Context's jump_fcontext does the same). */
    popq    %rcx
    .cfi_adjust_cfa_offset -8
    .cfi_register rip, rcx
    movq    %r8, %rax           /* al__context_transfer's return value */
    jmp     *%rcx
    .cfi_endproc
    .size   al_context_switch, .-al_context_switch
    .size   al__context_transfer, .-al__context_transfer

/* void al__context_make(al_context *ctx, void *top, void (*fn)(void *), void *arg)
 *   rdi = ctx, rsi = top, rdx = fn, rcx = arg.
 *
 * Writes, below `top`, the frame al_context_switch would have pushed, so
 * that the first switch into ctx pops it and "returns" into
 * al__context_start with rbx = fn and r12 = arg. rbp = 0 ends frame-pointer
 * walks (debuggers, ASan's fast unwinder) at the bottom of the fiber. The
 * control words are copied from the creator: a new fiber starts with the
 * rounding mode and exception masks of the thread that made it. */
    .globl  al__context_make
    .hidden al__context_make
    .type   al__context_make, @function
    .p2align 4
al__context_make:
    .cfi_startproc
    andq    $-16, %rsi          /* ABI: 16-byte aligned stack */
    leaq    -64(%rsi), %rax     /* the new fiber's saved sp */
    leaq    al__context_start(%rip), %r8
    movq    %r8, 56(%rax)       /* return address */
    movq    $0, 48(%rax)        /* rbp */
    movq    %rdx, 40(%rax)      /* rbx = fn */
    movq    %rcx, 32(%rax)      /* r12 = arg */
    movq    $0, 24(%rax)        /* r13 */
    movq    $0, 16(%rax)        /* r14 */
    movq    $0, 8(%rax)         /* r15 */
    stmxcsr (%rax)
    fnstcw  4(%rax)
    movq    %rax, (%rdi)
    ret
    .cfi_endproc
    .size   al__context_make, .-al__context_make

/* The first instruction a new fiber runs, reached by al_context_switch's
 * final jmp. Here rsp == top, 16-byte aligned, as the ABI wants at a call site;
 * the call pushes a return address, so fn sees the usual rsp % 16 == 8.
 * fn must never return: it leaves the fiber for good by switching away. If
 * it did return, ud2 traps instead of running off into garbage.
 * .cfi_undefined rip marks this as the outermost frame, so unwinders and
 * debuggers stop here instead of reading past the top of the stack. */
    .type   al__context_start, @function
    .p2align 4
al__context_start:
    .cfi_startproc
    .cfi_undefined rip
    movq    %r12, %rdi
    call    *%rbx
    ud2
    .cfi_endproc
    .size   al__context_start, .-al__context_start

/* No executable stack needed: without this note the linker would assume one. */
    .section .note.GNU-stack, "", @progbits
